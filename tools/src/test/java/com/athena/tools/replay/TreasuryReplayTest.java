package com.athena.tools.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The treasury replay's contract through the production graph in a local MiniCluster: the exact
 * header, one row per agent and day with an event sorted by agent then day, values as of the day's
 * close, empty cells for unknown values, any line order and duplicates giving the same output, bad
 * lines on stderr by line number; the seed's Scenario 3 and Scenario 1.
 */
class TreasuryReplayTest {
    static final String HEADER =
            "agent_id,day,balance_usd,daily_cost_usd,daily_burn_rate,days_until_bankruptcy,"
                    + "emotional_state,survival_mode_active";

    @TempDir Path dir;

    /** Seed 002 "Scenario 3" as JSON lines: llm and api costs per day, as the seed splits them. */
    static List<String> scenario3(String agent) {
        return List.of(
                balance(agent, "s3-balance", "2024-01-15T00:00:00Z", 30.00, 3.50),
                llm(agent, "s3-d1-llm", "2024-01-15T09:00:00Z", 2.80),
                api(agent, "s3-d1-api", "2024-01-15T17:00:00Z", 0.70),
                llm(agent, "s3-d2-llm", "2024-01-16T09:00:00Z", 3.20),
                api(agent, "s3-d2-api", "2024-01-16T17:00:00Z", 0.65),
                llm(agent, "s3-d3-llm", "2024-01-17T09:00:00Z", 2.50),
                api(agent, "s3-d3-api", "2024-01-17T17:00:00Z", 0.60));
    }

    static String balance(String agent, String id, String time, double usd, double estimate) {
        return String.format(
                "{\"event_id\":\"%s\",\"agent_id\":\"%s\",\"timestamp\":\"%s\",\"type\":\"balance\","
                        + "\"balance_usd\":%s,\"daily_burn_rate\":%s}",
                id, agent, time, usd, estimate);
    }

    static String llm(String agent, String id, String time, double amount) {
        return String.format(
                "{\"event_id\":\"%s\",\"agent_id\":\"%s\",\"timestamp\":\"%s\",\"amount\":%s,"
                        + "\"cost_type\":\"llm_cost\",\"operation\":\"llm_call\"}",
                id, agent, time, amount);
    }

    static String api(String agent, String id, String time, double amount) {
        return String.format(
                "{\"event_id\":\"%s\",\"agent_id\":\"%s\",\"timestamp\":\"%s\",\"amount\":%s,"
                        + "\"cost_type\":\"api_cost\"}",
                id, agent, time, amount);
    }

    static String market(String time, double btc, int fearGreed) {
        return String.format(
                "{\"timestamp\":\"%s\",\"btc_price\":38000,\"btc_24h_change\":%s,"
                        + "\"fear_greed_index\":%d,\"data_source\":\"test\"}",
                time, btc, fearGreed);
    }

    private String[] replay(List<String> lines, Path out) throws Exception {
        Path input = dir.resolve("events-" + System.nanoTime() + ".jsonl");
        Files.write(input, lines, StandardCharsets.UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                ReplayMain.run(
                        new String[] {
                            "treasury", "--input", input.toString(), "--out", out.toString()
                        },
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isZero();
        return err.toString(StandardCharsets.UTF_8).split("\n");
    }

    private static List<String[]> rows(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo(HEADER);
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            rows.add(line.split(",", -1));
        }
        return rows;
    }

    @Test
    void seedScenario3ThroughTheReplay() throws Exception {
        Path out = dir.resolve("s3.csv");
        String[] err = replay(scenario3("athena_agent_001"), out);
        assertThat(err).containsExactly("replay: 0 bad rows");
        List<String[]> rows = rows(out);
        assertThat(rows).hasSize(3);
        String[][] expected = {
            {"athena_agent_001", "2024-01-15", "26.50", "3.50", "cautious", "false"},
            {"athena_agent_001", "2024-01-16", "22.65", "3.85", "cautious", "false"},
            {"athena_agent_001", "2024-01-17", "19.55", "3.10", "desperate", "true"}
        };
        double[] burn = {3.50, (3.50 + 3.85) / 2, (3.50 + 3.85 + 3.10) / 3};
        double[] balance = {26.50, 22.65, 19.55};
        for (int i = 0; i < 3; i++) {
            String[] r = rows.get(i);
            assertThat(r).hasSize(8);
            assertThat(r[0]).isEqualTo(expected[i][0]);
            assertThat(r[1]).isEqualTo(expected[i][1]);
            // Money reads like money.
            assertThat(r[2]).isEqualTo(expected[i][2]);
            assertThat(r[3]).isEqualTo(expected[i][3]);
            assertThat(Double.parseDouble(r[4])).isCloseTo(burn[i], within(1e-9));
            assertThat(Double.parseDouble(r[5])).isCloseTo(balance[i] / burn[i], within(1e-9));
            assertThat(r[6]).isEqualTo(expected[i][4]);
            assertThat(r[7]).isEqualTo(expected[i][5]);
        }
    }

    @Test
    void anyOrderAndDuplicatesGiveTheSameOutput() throws Exception {
        List<String> lines = new ArrayList<>(scenario3("agent-b"));
        lines.addAll(scenario3("agent-a"));
        lines.add(api("agent-a", "extra", "2024-01-16T12:00:00Z", 0.25));
        Path ordered = dir.resolve("ordered.csv");
        replay(lines, ordered);

        List<String> shuffled = new ArrayList<>(lines);
        shuffled.addAll(lines.subList(0, 5)); // Pub/Sub redeliveries
        Collections.shuffle(shuffled, new Random(42));
        Path other = dir.resolve("shuffled.csv");
        String[] err = replay(shuffled, other);
        // The redeliveries are reported, not applied: the output is the same.
        assertThat(err).hasSize(6).endsWith("replay: 5 bad rows");
        assertThat(List.of(err).subList(0, 5))
                .allSatisfy(
                        line ->
                                assertThat(line)
                                        .matches(
                                                "agent-[ab]/[^:]+: duplicate event_id [^:]+: already applied, not again"));
        assertThat(Files.readAllLines(other)).isEqualTo(Files.readAllLines(ordered));
        // Sorted by agent, then day.
        assertThat(rows(ordered))
                .extracting(r -> r[0] + " " + r[1])
                .containsExactly(
                        "agent-a 2024-01-15",
                        "agent-a 2024-01-16",
                        "agent-a 2024-01-17",
                        "agent-b 2024-01-15",
                        "agent-b 2024-01-16",
                        "agent-b 2024-01-17");
        assertThat(rows(ordered).get(1)[3]).isEqualTo("4.10");
    }

    /**
     * Seed 002 "Scenario 1": a healthy agent; BTC -10% and fear & greed 15 force desperate and
     * survival mode; a snapshot between the thresholds changes nothing; BTC above -5% with fear &
     * greed at 25 releases.
     */
    @Test
    void seedScenario1ThroughTheReplay() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(balance("athena_agent_001", "b", "2024-01-14T00:00:00Z", 1000, 10));
        for (int d = 14; d <= 17; d++) {
            lines.add(llm("athena_agent_001", "c" + d, "2024-01-" + d + "T08:00:00Z", 10));
        }
        lines.add(market("2024-01-15T14:00:00Z", -10.0, 15)); // the seed's crash
        lines.add(market("2024-01-16T12:00:00Z", -7.0, 20)); // no signal
        lines.add(market("2024-01-16T13:00:00Z", -3.0, 20)); // BTC alone does not release
        lines.add(market("2024-01-17T09:00:00Z", -3.0, 30)); // release
        Path out = dir.resolve("s1.csv");
        replay(lines, out);
        assertThat(rows(out))
                .extracting(r -> r[1] + " " + r[2] + " " + r[6] + " " + r[7])
                .containsExactly(
                        "2024-01-14 990.00 stable false",
                        "2024-01-15 980.00 desperate true",
                        "2024-01-16 970.00 desperate true",
                        "2024-01-17 960.00 stable false");
    }

    @Test
    void unknownValuesAreEmptyCellsAndBadLinesAreReportedByLine() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(llm("no-balance", "x1", "2024-01-15T10:00:00Z", 1.5));
        lines.add(
                "{\"event_id\":\"bad1\",\"agent_id\":\"a\",\"timestamp\":\"2024-01-15T10:00:00Z\","
                        + "\"operation\":\"llm_call\",\"input_tokens\":-5,\"output_tokens\":3}");
        lines.add("");
        lines.add(
                "{\"event_id\":\"bad2\",\"agent_id\":\"a\",\"timestamp\":\"2024-01-15T10:00:00Z\","
                        + "\"type\":\"refund\",\"amount\":1}");
        lines.add("{\"event_id\":\"bad3\",\"timestamp\":\"2024-01-15T10:00:00Z\",\"amount\":1}");
        lines.add(
                "{\"event_id\":\"bad4\",\"agent_id\":\"a\",\"timestamp\":\"last tuesday\",\"amount\":1}");
        lines.add("not json");
        Path out = dir.resolve("unknown.csv");
        String[] err = replay(lines, out);
        String input = err[0].substring(0, err[0].indexOf(':'));
        assertThat(err).hasSize(6);
        assertThat(err[0]).isEqualTo(input + ":2: input_tokens must not be negative, got -5.0");
        assertThat(err[1])
                .isEqualTo(
                        input + ":4: unknown type 'refund' (cost, balance, deposit or withdrawal)");
        assertThat(err[2]).isEqualTo(input + ":5: missing agent_id");
        assertThat(err[3])
                .isEqualTo(
                        input + ":6: timestamp is not ISO-8601 UTC or epoch millis: last tuesday");
        assertThat(err[4]).startsWith(input + ":7: invalid JSON");
        assertThat(err[5]).isEqualTo("replay: 5 bad rows");
        // No balance ever: the balance and the runway are unknown; day 1 has no burn yet either.
        assertThat(Files.readAllLines(out))
                .containsExactly(HEADER, "no-balance,2024-01-15,,1.50,1.50,,stable,false");
    }

    @Test
    void wrongArgumentsAreUsageErrors() {
        assertThatThrownBy(() -> ReplayMain.run(new String[] {"treasury", "--input", "x"}, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--out is required");
        assertThatThrownBy(
                        () ->
                                ReplayMain.run(
                                        new String[] {
                                            "treasury", "--input", "/no/such", "--out", "o.csv"
                                        },
                                        null))
                .hasMessage("cannot read --input /no/such");
        assertThatThrownBy(() -> ReplayMain.run(new String[] {"treasury", "--symbol", "X"}, null))
                .hasMessage("unknown argument '--symbol'");
    }

    @Test
    void numbersAreRoundedToTenDecimalsWithAtLeastTwo() {
        assertThat(TreasuryCsv.number(26.499999999999996)).isEqualTo("26.50");
        assertThat(TreasuryCsv.number(3.4833333333333334)).isEqualTo("3.4833333333");
        assertThat(TreasuryCsv.number(0.0045)).isEqualTo("0.0045");
        assertThat(TreasuryCsv.number(-0.0)).isEqualTo("0.00");
        assertThat(TreasuryCsv.number(1e-12)).isEqualTo("0.00");
        assertThat(TreasuryCsv.number(-2.5)).isEqualTo("-2.50");
        assertThat(TreasuryCsv.number(Double.NaN)).isEmpty();
    }
}
