package com.athena.jobs;

import com.athena.common.config.ServiceKeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this keeps it valid YAML and consistent
 * with the local launcher: the same published ports, the same env keys, the flink-conf mounted, and
 * the one-shot setup service.
 */
class ComposeConsistencyTest {
    private static final Path ROOT = Paths.get("..");

    private static JsonNode compose() throws Exception {
        return new ObjectMapper(new YAMLFactory())
                .readTree(ROOT.resolve("docker-compose.yml").toFile());
    }

    @Test
    void servicesPublishTheLaunchersPorts() throws Exception {
        JsonNode services = compose().get("services");
        Map<String, String> expected =
                Map.of(
                        "postgres", "5432:5432",
                        "kafka", "9092:9092",
                        "pubsub", "8085:8085",
                        "firestore", "8086:8086",
                        "jobmanager", "8081:8081");
        expected.forEach(
                (service, port) -> {
                    List<String> ports = new ArrayList<>();
                    services.get(service).get("ports").forEach(p -> ports.add(p.asText()));
                    assertThat(ports).as(service).contains(port);
                });
        // The launcher's defaults are the same ports.
        String launcher = Files.readString(ROOT.resolve("bin/services"), StandardCharsets.UTF_8);
        for (String port : List.of("5432", "9092", "8085", "8086")) {
            assertThat(launcher).contains(port);
        }
        assertThat(services.get("setup").get("command").toString()).contains("setup");
        // Jackson does not resolve YAML merge keys: check the anchor the Flink services share.
        assertThat(compose().get("x-flink-common").get("volumes").toString())
                .contains("./flink-conf:/opt/flink/conf-athena:ro");
        assertThat(services.get("taskmanager").toString()).contains("flink-common");
        assertThat(compose().get("volumes").has("flink-checkpoints")).isTrue();
        assertThat(compose().get("volumes").has("flink-savepoints")).isTrue();
    }

    @Test
    void composeEnvHasEveryServiceKeyButTheSecrets() throws Exception {
        Properties env = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve("flink-conf/compose.env"))) {
            env.load(r);
        }
        Set<String> keys = new TreeSet<>();
        for (Field f : ServiceKeys.class.getFields()) {
            keys.add((String) f.get(null));
        }
        Set<String> expected = new TreeSet<>(keys);
        expected.removeIf(k -> k.endsWith("_PASSWORD"));
        assertThat(env.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(expected);
    }
}
