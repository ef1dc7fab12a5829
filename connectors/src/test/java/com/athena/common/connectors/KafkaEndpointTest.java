package com.athena.common.connectors;

import com.athena.common.config.ServiceEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaEndpointTest {

    @TempDir Path emptyDirectory;

    private ServiceEnvironment env(Map<String, String> values) {
        return ServiceEnvironment.load(values, emptyDirectory);
    }

    @Test
    void prefixedVariablesBecomeDottedLowerCaseClientProperties() {
        Map<String, String> processEnv =
                Map.of(
                        "KAFKA_PROPERTY_SECURITY_PROTOCOL", "SASL_SSL",
                        "KAFKA_PROPERTY_SASL_MECHANISM", "PLAIN",
                        "KAFKA_PROPERTY_SASL_JAAS_CONFIG", "Module required user_name=\"a_b\";",
                        "KAFKA_BOOTSTRAP_SERVERS", "ignored:1",
                        "KAFKA_PROPERTYX", "not a property",
                        "PATH", "/usr/bin");
        KafkaEndpoint endpoint =
                KafkaEndpoint.from(
                        env(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092")), processEnv);

        Properties expected = new Properties();
        expected.setProperty("security.protocol", "SASL_SSL");
        expected.setProperty("sasl.mechanism", "PLAIN");
        // Values are passed through untouched; only names are rewritten.
        expected.setProperty("sasl.jaas.config", "Module required user_name=\"a_b\";");
        assertThat(endpoint.bootstrapServers()).isEqualTo("broker:9092");
        assertThat(endpoint.properties()).isEqualTo(expected);

        expected.setProperty("bootstrap.servers", "broker:9092");
        assertThat(endpoint.clientProperties()).isEqualTo(expected);
    }

    @Test
    void withoutPrefixedVariablesThereAreNoClientProperties() {
        KafkaEndpoint endpoint =
                KafkaEndpoint.from(env(Map.of("KAFKA_BOOTSTRAP_SERVERS", "a:1,b:2")), Map.of());
        assertThat(endpoint.properties()).isEmpty();
        assertThat(endpoint.clientProperties())
                .containsOnly(Map.entry("bootstrap.servers", "a:1,b:2"));
    }

    @Test
    void returnedPropertiesAreCopies() {
        KafkaEndpoint endpoint = new KafkaEndpoint("b:1", Map.of("acks", "all"));
        endpoint.properties().setProperty("acks", "0");
        endpoint.clientProperties().setProperty("bootstrap.servers", "other:2");
        assertThat(endpoint.properties()).containsOnly(Map.entry("acks", "all"));
        assertThat(endpoint.clientProperties()).containsEntry("bootstrap.servers", "b:1");
    }

    @Test
    void missingBootstrapServersNamesTheKey() {
        assertThatThrownBy(() -> KafkaEndpoint.from(env(Map.of()), Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("KAFKA_BOOTSTRAP_SERVERS is not set")
                .hasMessageContaining("bin/services up");
    }

    @Test
    void propertyNamesDoNotDependOnTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            KafkaEndpoint endpoint =
                    KafkaEndpoint.from(
                            env(Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:1")),
                            Map.of(
                                    "KAFKA_PROPERTY_SECURITY_PROTOCOL", "SSL",
                                    "KAFKA_PROPERTY_SASL_JAAS_CONFIG", "x"));
            assertThat(endpoint.properties())
                    .containsOnlyKeys("security.protocol", "sasl.jaas.config");
        } finally {
            Locale.setDefault(saved);
        }
    }
}
