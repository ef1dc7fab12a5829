package com.athena.jobs;

import com.athena.testing.Commands;
import com.athena.testing.Commands.Result;
import com.athena.testing.Waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Job options from the cluster's configuration, on a real standalone cluster ({@code bin/cluster},
 * {@code bin/flink}): an option given only as {@code flink run -Dkey=value} or only in the client's
 * {@code config.yaml} reaches the job, and a program argument wins over the same option given with
 * {@code -D}. The job shows the options it runs with as its global job parameters, which the REST
 * API lists under {@code /jobs/<id>/config}.
 *
 * <p>The job is the market job from the shaded jar, pointed at closed local ports: it only has to
 * be submitted, not to read or write anything, and it is cancelled at once.
 */
class ClusterOptionsITCase {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String REST = "http://127.0.0.1:8081";

    @BeforeAll
    static void clusterUp() throws Exception {
        // Another checkout's cluster may hold the ports for a while: wait for it (5 min).
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (true) {
            Result up = Commands.run(Duration.ofMinutes(4), Map.of(), "bin/cluster", "up");
            if (up.exit() == 0) {
                return;
            }
            boolean portsTaken = up.output().contains("is taken by another process");
            assertThat(portsTaken && Instant.now().isBefore(deadline))
                    .as("bin/cluster up:\n%s", up.output())
                    .isTrue();
            Thread.sleep(15_000);
        }
    }

    @AfterAll
    static void clusterDown() throws Exception {
        Result down = Commands.run(Duration.ofMinutes(2), Map.of(), "bin/cluster", "down");
        assertThat(down.exit()).as("bin/cluster down:\n%s", down.output()).isZero();
    }

    @Test
    void anOptionGivenWithDashDReachesTheJobAndAProgramArgumentOverridesIt() throws Exception {
        Path dir = Files.createTempDirectory("athena-cluster-options");
        Path jar = dir.resolve("athena-jobs.jar");
        Commands.copyJobJar(jar);
        // Services that are not there: the job must be submitted, not run. The variables win over
        // any env file; the empty file keeps a developer's target/services.env out.
        Path servicesEnv = Files.writeString(dir.resolve("services.env"), "");
        Map<String, String> env =
                Map.of(
                        "ATHENA_SERVICES_ENV", servicesEnv.toString(),
                        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9",
                        "PUBSUB_PROJECT_ID", "athena-cluster-options-it",
                        "PUBSUB_EMULATOR_HOST", "127.0.0.1:9",
                        "TIMESCALEDB_JDBC_URL", "jdbc:postgresql://127.0.0.1:9/none",
                        "TIMESCALEDB_USER", "none",
                        "TIMESCALEDB_PASSWORD", "none");

        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                "bin/flink",
                                "run",
                                "-d",
                                // Only from the cluster's configuration:
                                "-Dmarket.kafka.dlq-topic=dlq-from-the-cluster",
                                // From both; the program argument below must win:
                                "-Dmarket.timeframes=1m,5m",
                                jar.toString(),
                                "market",
                                "--market.timeframes",
                                "1h",
                                "--sinks.bigquery.enabled",
                                "false",
                                "--sinks.firestore.enabled",
                                "false"));
        // The conf dir bin/flink reads (bin/cluster up renders it afresh each time).
        Path clientConf = Commands.ROOT.resolve("target/cluster/conf/config.yaml");
        String rendered = Files.readString(clientConf);
        Result run;
        try {
            Files.writeString(clientConf, rendered + "\nkafka.group-id: group-from-config-yaml\n");
            run = Commands.run(WAIT, env, cmd.toArray(new String[0]));
        } finally {
            Files.writeString(clientConf, rendered);
        }
        assertThat(run.exit()).as("%s:\n%s", cmd, run.output()).isZero();
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(run.output());
        assertThat(id.find()).as(run.output()).isTrue();
        String job = id.group(1);
        try {
            AtomicReference<JsonNode> userConfig = new AtomicReference<>();
            Waits.until(
                    "the job's configuration in the REST API",
                    WAIT,
                    () -> {
                        JsonNode config = get("/jobs/" + job + "/config");
                        JsonNode user =
                                config == null
                                        ? null
                                        : config.path("execution-config").get("user-config");
                        userConfig.set(user);
                        return user != null && user.size() > 0;
                    });
            JsonNode options = userConfig.get();
            assertThat(options.path("market.kafka.dlq-topic").asText())
                    .as("-D only: %s", options)
                    .isEqualTo("dlq-from-the-cluster");
            assertThat(options.path("market.timeframes").asText())
                    .as("-D and a program argument: %s", options)
                    .isEqualTo("1h");
            assertThat(options.path("kafka.group-id").asText())
                    .as("config.yaml only: %s", options)
                    .isEqualTo("group-from-config-yaml");
            assertThat(options.path("sinks.bigquery.enabled").asText()).isEqualTo("false");
            // Neither: the default.
            assertThat(options.path("market.kafka.trades-topic").asText())
                    .isEqualTo("market.trades");
            // Only job options are exposed, not the rest of the cluster's configuration.
            assertThat(options.has("rest.port")).as("%s", options).isFalse();
        } finally {
            Result cancel = Commands.run(WAIT, env, "bin/flink", "cancel", job);
            assertThat(cancel.exit()).as("bin/flink cancel:\n%s", cancel.output()).isZero();
        }
    }

    private static JsonNode get(String path) {
        try {
            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(REST + path))
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? new ObjectMapper().readTree(response.body())
                    : null;
        } catch (Exception e) {
            return null;
        }
    }
}
