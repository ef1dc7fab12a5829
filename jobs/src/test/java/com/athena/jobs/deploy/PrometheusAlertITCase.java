package com.athena.jobs.deploy;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.testing.Commands;
import com.athena.testing.Commands.Result;
import com.athena.testing.Feeds;
import com.athena.testing.TestSchema;
import com.athena.testing.Waits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules against the running treasury job: a real standalone cluster ({@code bin/cluster})
 * runs the shaded treasury job on the real services, a real Prometheus server (Debian's package,
 * {@code bin/services up prometheus}) on a free loopback port scrapes the cluster's reporters
 * (9249-9251) and evaluates deploy/prometheus/rules.yml. A balance event on the job's Kafka input
 * drives one agent into survival mode: {@code AthenaAgentSurvivalMode} fires for it, read back from
 * Prometheus's HTTP API, while a healthy agent, whose gauges Prometheus has too, raises no alert.
 */
class PrometheusAlertITCase {
    private static final Logger LOG = LoggerFactory.getLogger(PrometheusAlertITCase.class);
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final Duration ALERT_WAIT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

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
    void anAgentDrivenIntoSurvivalModeFiresItsAlertAndAHealthyOneDoesNot() throws Exception {
        Path prometheus = Path.of("/usr/bin/prometheus");
        assertThat(Files.isExecutable(prometheus))
                .as(
                        "%s: `bin/services up prometheus` installs Debian's prometheus package",
                        prometheus)
                .isTrue();
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        try (Connection c = JdbcEndpoint.timescale(services).open()) {
            TestSchema.apply(c);
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        String events = "it.alert.events." + run;
        String poor = "it-alert-poor-" + run;
        String rich = "it-alert-rich-" + run;
        Feeds.createTopics(kafka, 1, events, "it.alert.transitions." + run, "it.alert.dlq." + run);
        // The job's own subscriptions, empty: it reads the agents' balances from Kafka alone.
        Feeds.publish(pubsub, "it-alert-costs-" + run, "it-alert-costs-sub-" + run, List.of());
        Feeds.publish(
                pubsub, "it-alert-snapshots-" + run, "it-alert-snapshots-sub-" + run, List.of());

        Path dir = Files.createTempDirectory("athena-alerts");
        Path jar = dir.resolve("athena-jobs.jar");
        Commands.copyJobJar(jar);
        String job =
                submit(
                        jar,
                        List.of(
                                "treasury",
                                "--treasury.kafka.events-topic",
                                events,
                                "--treasury.kafka.transitions-topic",
                                "it.alert.transitions." + run,
                                "--treasury.kafka.dlq-topic",
                                "it.alert.dlq." + run,
                                "--treasury.pubsub.costs-subscription",
                                "it-alert-costs-sub-" + run,
                                "--treasury.pubsub.snapshots-subscription",
                                "it-alert-snapshots-sub-" + run,
                                "--kafka.group-id",
                                "it-alert-" + run,
                                "--sinks.bigquery.enabled",
                                "false",
                                "--sinks.firestore.enabled",
                                "false"));
        Process server = null;
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            server = startPrometheus(prometheus, dir, port);
            String api = "http://127.0.0.1:" + port;
            Waits.until("Prometheus ready", WAIT, () -> get(api + "/-/ready") != null);

            // Balances of three minutes ago, then a later event of a third agent: the watermark
            // (shipped bound: 1 min out of order) passes the balances as soon as it arrives.
            String at = Instant.now().minusSeconds(180).toString();
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(
                            kafka.clientProperties(),
                            new StringSerializer(),
                            new StringSerializer())) {
                // 10 USD at 5 USD a day: 2 days of runway, below the desperate threshold (6).
                producer.send(new ProducerRecord<>(events, poor, balance(poor, at, 10, 5)));
                // 1000 USD at 5 USD a day: 200 days, stable.
                producer.send(new ProducerRecord<>(events, rich, balance(rich, at, 1000, 5)));
                producer.flush();
                String tick = "it-alert-tick-" + run;
                producer.send(
                        new ProducerRecord<>(
                                events, tick, balance(tick, Instant.now().toString(), 1000, 5)));
                producer.flush();
            }
            long sent = System.nanoTime();

            Waits.until(
                    "AthenaAgentSurvivalMode firing for " + poor,
                    ALERT_WAIT,
                    () -> "firing".equals(alertState(api, "AthenaAgentSurvivalMode", poor)));
            long firedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            LOG.info("AthenaAgentSurvivalMode fired {} ms after the balance events", firedAfterMs);

            // The healthy agent's gauges are there (so its silence is not a missing series) ...
            Waits.until(
                    "the gauges of " + rich + " in Prometheus",
                    WAIT,
                    () -> value(api, "agent_runwayDays", rich) != null);
            assertThat(value(api, "agent_runwayDays", rich)).isEqualTo(200.0);
            assertThat(value(api, "agent_survivalMode", rich)).isEqualTo(0.0);
            assertThat(value(api, "agent_survivalMode", poor)).isEqualTo(1.0);
            assertThat(value(api, "agent_runwayDays", poor)).isEqualTo(2.0);
            // ... and no rule raises an alert for it, pending or firing.
            JsonNode alerts = alerts(api);
            List<String> forRich = new ArrayList<>();
            for (JsonNode a : alerts) {
                if (label(rich).equals(a.path("labels").path("agent").asText())) {
                    forRich.add(a.path("labels").path("alertname").asText());
                }
            }
            assertThat(forRich).as("alerts for the healthy agent %s", rich).isEmpty();
            // The runway rules wait (for: 15 m / 5 m) before firing: the poor agent's are pending.
            assertThat(alertState(api, "AthenaAgentRunwayCritical", poor)).isEqualTo("pending");
        } finally {
            if (server != null) {
                server.destroy();
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            Result cancel = Commands.run(WAIT, Map.of(), "bin/flink", "cancel", job);
            assertThat(cancel.exit()).as("bin/flink cancel:\n%s", cancel.output()).isZero();
        }
    }

    /**
     * A Prometheus of its own: the reporters of bin/cluster's JobManager and two TaskManagers, the
     * project's rules. Scrape and evaluation every second (the default is a minute) so the test
     * waits seconds, not minutes, for a gauge to become an alert.
     */
    private static Process startPrometheus(Path binary, Path dir, int port) throws Exception {
        Path rules = DeployFiles.path("deploy/prometheus/rules.yml").toAbsolutePath().normalize();
        Path config =
                Files.writeString(
                        dir.resolve("prometheus.yml"),
                        String.join(
                                "\n",
                                "global:",
                                "  scrape_interval: 1s",
                                "  scrape_timeout: 1s",
                                "  evaluation_interval: 1s",
                                "rule_files:",
                                "  - " + rules,
                                "scrape_configs:",
                                "  - job_name: flink",
                                "    static_configs:",
                                "      - targets: ['127.0.0.1:9249', '127.0.0.1:9250',"
                                        + " '127.0.0.1:9251']",
                                ""));
        Path log = dir.resolve("prometheus.log");
        LOG.info("Prometheus on 127.0.0.1:{}, config {}, log {}", port, config, log);
        return new ProcessBuilder(
                        binary.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static String submit(Path jar, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bin/flink", "run", "-d", jar.toString()));
        cmd.addAll(args);
        Result r = Commands.run(WAIT, Map.of(), cmd.toArray(new String[0]));
        assertThat(r.exit()).as("%s:\n%s", cmd, r.output()).isZero();
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(r.output());
        assertThat(id.find()).as(r.output()).isTrue();
        return id.group(1);
    }

    private static String balance(String agent, String at, double usd, double burn) {
        return "{\"event_id\":\"balance-"
                + agent
                + "\",\"agent_id\":\""
                + agent
                + "\",\"type\":\"balance\",\"timestamp\":\""
                + at
                + "\",\"balance_usd\":"
                + usd
                + ",\"daily_burn_rate\":"
                + burn
                + "}";
    }

    /**
     * The agent's label value as Flink's Prometheus reporter writes it: every character outside
     * [a-zA-Z0-9:_] becomes '_' (so the test's "it-alert-poor-..." is "it_alert_poor_...").
     */
    private static String label(String agent) {
        return agent.replaceAll("[^a-zA-Z0-9:_]", "_");
    }

    /** The body of a 200 answer, or null (not up yet, or another status). */
    private static String get(String url) {
        try {
            HttpResponse<String> r =
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static JsonNode alerts(String api) throws Exception {
        String body = get(api + "/api/v1/alerts");
        assertThat(body).as("GET /api/v1/alerts").isNotNull();
        return JSON.readTree(body).path("data").path("alerts");
    }

    /** The state (pending, firing) of the alert for the agent, or null if there is none. */
    private static String alertState(String api, String alertname, String agent) throws Exception {
        for (JsonNode a : alerts(api)) {
            JsonNode labels = a.path("labels");
            if (alertname.equals(labels.path("alertname").asText())
                    && label(agent).equals(labels.path("agent").asText())) {
                return a.path("state").asText();
            }
        }
        return null;
    }

    /** The agent's gauge as Prometheus has it now, or null if it has no such series. */
    private static Double value(String api, String gauge, String agent) throws Exception {
        String query =
                "max(flink_taskmanager_job_task_operator_"
                        + gauge
                        + "{agent=\""
                        + label(agent)
                        + "\"})";
        String body =
                get(
                        api
                                + "/api/v1/query?query="
                                + URLEncoder.encode(query, StandardCharsets.UTF_8));
        if (body == null) {
            return null;
        }
        JsonNode result = JSON.readTree(body).path("data").path("result");
        if (result.isEmpty()) {
            return null;
        }
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }
}
