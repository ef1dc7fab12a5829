package com.athena.jobs.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The alert rules (deploy/prometheus/rules.yml) checked and unit-tested by Prometheus's own
 * promtool: `promtool check rules`, `promtool test rules deploy/prometheus/rules.test.yml` and
 * `promtool check config` on the compose stack's Prometheus configuration. Also asserts that every
 * alert has a unit test in which it fires. promtool comes with Debian's `prometheus` package, which
 * `bin/services up` installs; the test fails, saying so, where it is missing ({@code PROMTOOL}
 * names another binary).
 */
class PrometheusRulesTest {
    private static final String RULES = "deploy/prometheus/rules.yml";
    private static final String RULE_TESTS = "deploy/prometheus/rules.test.yml";
    private static String promtool;

    @BeforeAll
    static void findPromtool() {
        String configured = System.getenv("PROMTOOL");
        if (configured != null && !configured.isBlank()) {
            assertThat(Paths.get(configured)).as("PROMTOOL=%s", configured).isExecutable();
            promtool = configured;
            return;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                promtool = candidate.toString();
                return;
            }
        }
        fail(
                "promtool not found on PATH: `bin/services up prometheus` installs Debian's"
                        + " prometheus package (promtool and prometheus, no daemon left running),"
                        + " or set PROMTOOL to the binary.");
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(promtool);
        command.addAll(List.of(args));
        Process p =
                new ProcessBuilder(command)
                        .directory(DeployFiles.ROOT.toFile())
                        .redirectErrorStream(true)
                        .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + " said:\n" + out).isZero();
        return out;
    }

    @Test
    void rulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", RULES)).contains("SUCCESS");
    }

    @Test
    void everyRulePassesItsUnitTests() throws Exception {
        assertThat(promtool("test", "rules", RULE_TESTS)).contains("SUCCESS");
    }

    @Test
    void theComposePrometheusConfigIsValid() throws Exception {
        assertThat(promtool("check", "config", "deploy/prometheus/prometheus-compose.yml"))
                .contains("SUCCESS");
    }

    @Test
    void everyAlertHasATestInWhichItFires() throws Exception {
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : DeployFiles.yaml(RULES).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                if (rule.has("alert")) {
                    alerts.add(rule.get("alert").asText());
                }
            }
        }
        Set<String> firing = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (JsonNode test : DeployFiles.yaml(RULE_TESTS).get("tests")) {
            for (JsonNode t : test.get("alert_rule_test")) {
                (t.get("exp_alerts").isEmpty() ? silent : firing).add(t.get("alertname").asText());
            }
        }
        assertThat(alerts)
                .contains(
                        "AthenaAgentRunwayLow",
                        "AthenaAgentSurvivalMode",
                        "AthenaAgentDailyCostOverLimit",
                        "AthenaAgentCostAnomaly",
                        "AthenaMarketCrash",
                        "AthenaDeadLetterRate",
                        "AthenaJobRestarting",
                        "AthenaCheckpointFailed",
                        "AthenaCheckpointSlow",
                        "AthenaKafkaConsumerLag",
                        "AthenaSinkErrors");
        assertThat(firing).as("alerts with a test in which they fire").containsAll(alerts);
        assertThat(silent).as("alerts with a test in which they stay silent").containsAll(alerts);
    }
}
