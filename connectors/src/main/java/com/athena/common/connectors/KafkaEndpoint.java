package com.athena.common.connectors;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.config.ServiceKeys;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A Kafka cluster: the bootstrap servers plus client properties such as {@code security.protocol},
 * taken from the environment as {@code KAFKA_PROPERTY_<NAME>} (dots written as underscores).
 */
public final class KafkaEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String PROPERTY_PREFIX = "KAFKA_PROPERTY_";

    private final String bootstrapServers;
    private final TreeMap<String, String> clientProperties;

    public KafkaEndpoint(String bootstrapServers, Map<String, String> clientProperties) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.clientProperties = new TreeMap<>(clientProperties);
    }

    /** The cluster named by the services env. */
    public static KafkaEndpoint from(ServiceEnvironment env, Map<String, String> processEnv) {
        Map<String, String> props = new TreeMap<>();
        processEnv.forEach(
                (key, value) -> {
                    if (key.startsWith(PROPERTY_PREFIX)) {
                        props.put(
                                key.substring(PROPERTY_PREFIX.length())
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', '.'),
                                value);
                    }
                });
        return new KafkaEndpoint(env.require(ServiceKeys.KAFKA_BOOTSTRAP_SERVERS), props);
    }

    /** The cluster named by the services env (its file and the process environment). */
    public static KafkaEndpoint from(ServiceEnvironment env) {
        return from(env, env.all());
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Client properties (without bootstrap servers), for sources, sinks and admin clients. */
    public Properties properties() {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        return properties;
    }

    /** Client properties including {@code bootstrap.servers}. */
    public Properties clientProperties() {
        Properties properties = properties();
        properties.setProperty("bootstrap.servers", bootstrapServers);
        return properties;
    }
}
