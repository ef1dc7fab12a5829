package com.athena.tools.sql;

import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every file of {@code sql/flink} run through a real TableEnvironment (streaming, on the
 * MiniCluster) against the real Kafka broker and PostgreSQL, as one analyst session, and each
 * view's answers checked on data put where it reads from: this run's own topics, and a schema of
 * its own holding the project's migrations.
 */
@RequiresServices({RealService.KAFKA, RealService.POSTGRES})
class FlinkSqlFilesITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static final String BARS = "SQLBARS";

    private static SqlTestServices services;

    @BeforeAll
    static void putTheData() throws Exception {
        services = new SqlTestServices();
        services.createTopics("TRADES_TOPIC", "TREASURY_EVENTS_TOPIC", "TRANSITIONS_TOPIC");
        services.produce("TRADES_TOPIC", BARS, trades());
        services.produce("TREASURY_EVENTS_TOPIC", "agent-1", treasuryEvents());
        services.produce("TRANSITIONS_TOPIC", "agent", transitions());
        try (Connection c = services.jdbc()) {
            costs(c);
            snapshots(c);
            try (var s = c.createStatement()) {
                s.execute(
                        "INSERT INTO dead_letters VALUES ('kafka:market.trades', 't/0@7',"
                                + " '2024-01-15T10:00:00Z', 'invalid JSON', '{not json')");
                s.execute(
                        "INSERT INTO agent_metrics VALUES ('agent-1', 'balance_usd',"
                                + " '2024-01-15T10:00:00Z', 120.5,"
                                + " '{\"emotional_state\": \"stable\"}')");
            }
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (services != null) {
            services.close();
        }
    }

    private static FlinkSqlSession session() throws Exception {
        return new FlinkSqlSession(services.variables()).runAllFiles();
    }

    private static LocalDateTime t(String iso) {
        return LocalDateTime.ofInstant(Instant.parse(iso), java.time.ZoneOffset.UTC);
    }

    private static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    // ---------------------------------------------------------------------------------------
    // Every file.

    @Test
    void everyFileRunsInOneSession() throws Exception {
        try (FlinkSqlSession session = session()) {
            Set<Path> all;
            try (Stream<Path> files = Files.list(FlinkSqlSession.SQL_DIR)) {
                all = files.filter(p -> p.toString().endsWith(".sql")).collect(Collectors.toSet());
            }
            assertThat(session.executedFiles()).containsExactlyInAnyOrderElementsOf(all);
            assertThat(session.executedFiles().get(0).getFileName().toString())
                    .isEqualTo("init.sql");
            assertThat(
                            session.tEnv
                                    .getConfig()
                                    .get(
                                            org.apache.flink.table.api.config.TableConfigOptions
                                                    .LOCAL_TIME_ZONE))
                    .isEqualTo("UTC");
            assertThat(session.tEnv.listViews())
                    .contains(
                            "valid_trades",
                            "trade_bars",
                            "bar_indicators",
                            "agent_daily_costs",
                            "survival_watch_list");
            assertThat(session.tEnv.listTables())
                    .contains(
                            "trades",
                            "treasury_events",
                            "agent_transitions",
                            "market_data",
                            "dead_letters",
                            "cost_events",
                            "treasury_snapshots",
                            "agent_metrics");
            // Every view plans (its every operator and function resolves) in streaming mode.
            for (String view : session.tEnv.listViews()) {
                assertThat(session.tEnv.explainSql("SELECT * FROM " + view)).isNotBlank();
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // 30_ohlcv_bars.sql

    /**
     * Arrival order differs from event time: the first trade to arrive is not the minute's
     * earliest, a tie at the latest time is broken by arrival, a trade that comes after its 1m bar
     * closed is left out of it (and counts in the longer bars, still open), bad records are
     * skipped. The last trade, two days on, only moves the watermark.
     */
    static List<String> trades() {
        List<String> t = new ArrayList<>();
        // Produced before the query starts.
        t.add(trade("2024-01-15T10:00:20Z", 101, 1));
        t.add(trade("2024-01-15T10:00:05Z", 100, 2)); // the minute's open: earliest, not first
        t.add(trade("2024-01-15T10:00:50Z", 105, 1));
        t.add(trade("2024-01-15T10:00:50Z", 104, 1)); // same time, later arrival: the close
        t.add(
                "{\"symbol\":\""
                        + BARS
                        + "\",\"ts\":\"2024-01-15T10:00:30Z\",\"price\":99,\"size\":1,"
                        + "\"trade_id\":7,\"source\":\"iso\"}"); // ISO-8601 time: the low
        t.add(trade("2024-01-15T10:01:10Z", 110, 1)); // open of 10:01 ...
        t.add(trade("2024-01-15T10:01:10Z", 111, 1)); // ... a tie: the first arrival stays open
        t.add(trade("2024-01-15T10:01:40Z", 112, 1)); // watermark 10:01:35: 10:00 closes
        return t;
    }

    /** Produced once the 10:00 bar came out: its window has fired, whatever the timing. */
    static List<String> laterTrades() {
        List<String> t = new ArrayList<>();
        t.add(trade("2024-01-15T10:00:58Z", 999, 1)); // late for the 1m bar, in time for 5m+
        t.add(trade("2024-01-15T10:01:38Z", 95, 3)); // 2 s out of order: still counts
        t.add("{not json");
        t.add("{\"symbol\":\"" + BARS + "\",\"ts\":\"yesterday\",\"price\":1,\"size\":1}");
        t.add(trade("2024-01-15T10:02:30Z", -5, 1)); // not a trade
        t.add(trade("2024-01-15T10:02:00Z", 120, 1));
        t.add(trade("2024-01-17T12:00:00Z", 1, 1)); // moves time on; its own bars stay open
        return t;
    }

    private static String trade(String iso, double price, double size) {
        return String.format(
                "{\"symbol\":\"%s\",\"ts\":%d,\"price\":%s,\"size\":%s}",
                BARS, millis(iso), price, size);
    }

    private static Row bar(
            String tf,
            String open,
            double o,
            double h,
            double l,
            double c,
            double volume,
            long count) {
        return Row.of(BARS, tf, t(open), o, h, l, c, volume, count);
    }

    @Test
    void barsTakeOpenAndCloseByEventTime() throws Exception {
        try (FlinkSqlSession session = session()) {
            List<Row> bars =
                    session.first(
                            "SELECT symbol, timeframe, ts, `open`, high, low, `close`, volume,"
                                    + " trade_count FROM trade_bars WHERE symbol = '"
                                    + BARS
                                    + "'",
                            7,
                            TIMEOUT,
                            row -> {
                                if (row.getField(1).equals("1m")
                                        && row.getField(2).equals(t("2024-01-15T10:00:00Z"))) {
                                    services.produce("TRADES_TOPIC", BARS, laterTrades());
                                }
                            });
            assertThat(bars)
                    .containsExactlyInAnyOrder(
                            bar("1m", "2024-01-15T10:00:00Z", 100, 105, 99, 104, 6, 5),
                            bar("1m", "2024-01-15T10:01:00Z", 110, 112, 95, 112, 6, 4),
                            bar("1m", "2024-01-15T10:02:00Z", 120, 120, 120, 120, 1, 1),
                            bar("5m", "2024-01-15T10:00:00Z", 100, 999, 95, 120, 14, 11),
                            bar("15m", "2024-01-15T10:00:00Z", 100, 999, 95, 120, 14, 11),
                            bar("1h", "2024-01-15T10:00:00Z", 100, 999, 95, 120, 14, 11),
                            bar("1d", "2024-01-15T00:00:00Z", 100, 999, 95, 120, 14, 11));
        }
    }

    @Test
    void indicatorFunctionsRefuseBoundedWindows() throws Exception {
        try (FlinkSqlSession session = session()) {
            assertThatThrownBy(
                            () ->
                                    session.tEnv.explainSql(
                                            "SELECT EMA(`close`, 9) OVER (PARTITION BY symbol,"
                                                    + " timeframe ORDER BY bar_time ROWS BETWEEN 20"
                                                    + " PRECEDING AND CURRENT ROW) FROM trade_bars"))
                    .hasStackTraceContaining("retract");
        }
    }

    // ---------------------------------------------------------------------------------------
    // 50_agent_daily_costs.sql, on the cost_events rows the treasury job writes.

    private static void costs(Connection c) throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO cost_events (agent_id, event_id, ts, cost_type, operation,"
                                + " model, input_tokens, output_tokens, amount, daily_total, late)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            cost(
                    ps,
                    "cost-a",
                    "e1",
                    "2024-01-15T10:00:00Z",
                    "llm_cost",
                    "llm_call",
                    1000L,
                    500L,
                    0.25,
                    0.25,
                    false);
            cost(
                    ps,
                    "cost-a",
                    "e2",
                    "2024-01-15T23:59:59.999Z",
                    "api_cost",
                    "api_call",
                    null,
                    null,
                    0.125,
                    0.375,
                    false);
            cost(
                    ps,
                    "cost-a",
                    "e3",
                    "2024-01-16T00:00:00Z",
                    "compute",
                    null,
                    null,
                    null,
                    1.5,
                    null,
                    true);
            cost(
                    ps,
                    "cost-b",
                    "e1",
                    "2024-01-15T12:00:00Z",
                    "llm_cost",
                    "llm_call",
                    10L,
                    20L,
                    2.0,
                    2.0,
                    false);
            ps.executeBatch();
        }
    }

    private static void cost(
            PreparedStatement ps,
            String agent,
            String event,
            String iso,
            String type,
            String operation,
            Long in,
            Long out,
            double amount,
            Double dailyTotal,
            boolean late)
            throws Exception {
        ps.setString(1, agent);
        ps.setString(2, event);
        ps.setTimestamp(3, Timestamp.from(Instant.parse(iso)));
        ps.setString(4, type);
        ps.setString(5, operation);
        ps.setString(6, operation == null ? null : "model-x");
        ps.setObject(7, in);
        ps.setObject(8, out);
        ps.setDouble(9, amount);
        ps.setObject(10, dailyTotal);
        ps.setBoolean(11, late);
        ps.addBatch();
    }

    @Test
    void dailyCostsAddUpEachAgentsUtcDay() throws Exception {
        try (FlinkSqlSession session = session()) {
            List<Row> changes = session.all("SELECT * FROM agent_daily_costs", TIMEOUT);
            List<Row> days = new ArrayList<>();
            changes.forEach(change -> FlinkSqlSession.apply(days, change));
            assertThat(days)
                    .containsExactlyInAnyOrder(
                            Row.of(
                                    "cost-a",
                                    LocalDate.parse("2024-01-15"),
                                    0.375,
                                    0.25,
                                    0.125,
                                    0.0,
                                    2L,
                                    1L,
                                    1L,
                                    1000L,
                                    500L,
                                    0L,
                                    t("2024-01-15T10:00:00Z"),
                                    t("2024-01-15T23:59:59.999Z")),
                            Row.of(
                                    "cost-a",
                                    LocalDate.parse("2024-01-16"),
                                    1.5,
                                    0.0,
                                    0.0,
                                    1.5,
                                    1L,
                                    0L,
                                    0L,
                                    0L,
                                    0L,
                                    1L,
                                    t("2024-01-16T00:00:00Z"),
                                    t("2024-01-16T00:00:00Z")),
                            Row.of(
                                    "cost-b",
                                    LocalDate.parse("2024-01-15"),
                                    2.0,
                                    2.0,
                                    0.0,
                                    0.0,
                                    1L,
                                    1L,
                                    0L,
                                    10L,
                                    20L,
                                    0L,
                                    t("2024-01-15T12:00:00Z"),
                                    t("2024-01-15T12:00:00Z")));
        }
    }

    // ---------------------------------------------------------------------------------------
    // 60_survival_watch_list.sql: snapshots in PostgreSQL, transitions in Kafka.

    private static void snapshots(Connection c) throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO treasury_snapshots (agent_id, ts, snapshot_type, day,"
                                + " balance_usd, daily_cost_usd, daily_burn_rate,"
                                + " days_until_bankruptcy, emotional_state, confidence_level,"
                                + " risk_tolerance, survival_mode_active, cost_saving_mode_active,"
                                + " market_crash_override, trigger, transitions, sequence)"
                                + " VALUES (?, ?, ?, ?, ?, 1.0, ?, ?, ?, 0.5, 0.5, ?, false,"
                                + " false, 'test', NULL, ?)")) {
            // watch-a: stable at its day close; a later transition makes it desperate.
            snapshot(
                    ps,
                    "watch-a",
                    "2024-01-15T23:59:59.999Z",
                    "day_close",
                    400,
                    10,
                    40,
                    "stable",
                    false,
                    3);
            // watch-b: cautious with 10 days left: on the list for its runway. An older
            // transition (below) must not replace this newer snapshot.
            snapshot(
                    ps,
                    "watch-b",
                    "2024-01-15T23:59:59.999Z",
                    "day_close",
                    100,
                    10,
                    10,
                    "cautious",
                    false,
                    5);
            // watch-c: desperate in survival mode; a later transition brings it back to stable.
            snapshot(
                    ps,
                    "watch-c",
                    "2024-01-15T12:00:00Z",
                    "event",
                    30,
                    10,
                    3,
                    "desperate",
                    true,
                    2);
            snapshot(
                    ps,
                    "watch-c",
                    "2024-01-15T23:59:59.999Z",
                    "day_close",
                    25,
                    10,
                    2.5,
                    "desperate",
                    true,
                    4);
            // watch-d: cautious with 20 days: not on the list.
            snapshot(
                    ps,
                    "watch-d",
                    "2024-01-15T23:59:59.999Z",
                    "day_close",
                    200,
                    10,
                    20,
                    "cautious",
                    false,
                    7);
            ps.executeBatch();
        }
    }

    private static void snapshot(
            PreparedStatement ps,
            String agent,
            String iso,
            String type,
            double balance,
            double burn,
            double runway,
            String state,
            boolean survival,
            long sequence)
            throws Exception {
        Instant at = Instant.parse(iso);
        ps.setString(1, agent);
        ps.setTimestamp(2, Timestamp.from(at));
        ps.setString(3, type);
        ps.setObject(4, LocalDate.ofInstant(at, java.time.ZoneOffset.UTC));
        ps.setDouble(5, balance);
        ps.setDouble(6, burn);
        ps.setDouble(7, runway);
        ps.setString(8, state);
        ps.setBoolean(9, survival);
        ps.setLong(10, sequence);
        ps.addBatch();
    }

    static List<String> transitions() {
        return List.of(
                transition(
                        "watch-a",
                        "2024-01-16T08:00:00Z",
                        "survival_mode",
                        "desperate",
                        true,
                        4.0,
                        40.0),
                transition(
                        "watch-c",
                        "2024-01-16T09:00:00Z",
                        "emotional_state",
                        "stable",
                        false,
                        35.0,
                        350.0),
                transition(
                        "watch-b",
                        "2024-01-14T09:00:00Z",
                        "emotional_state",
                        "desperate",
                        true,
                        2.0,
                        20.0),
                "{\"broken\":");
    }

    private static String transition(
            String agent,
            String iso,
            String type,
            String state,
            boolean survival,
            double runway,
            double balance) {
        // The shape TreasuryKafkaSinks.transitionJson writes.
        return String.format(
                "{\"transition_id\":\"%1$s_%2$d_1_%3$s\",\"agent_id\":\"%1$s\",\"timestamp\":\"%4$s\","
                        + "\"event_time\":%2$d,\"transition_type\":\"%3$s\",\"event\":\"x\","
                        + "\"from\":null,\"to\":\"%5$s\",\"reason\":\"test\",\"trigger\":\"t\","
                        + "\"balance_usd\":%7$s,\"days_until_bankruptcy\":%6$s,"
                        + "\"daily_burn_rate\":10.0,\"daily_cost_usd\":1.0,"
                        + "\"emotional_state\":\"%5$s\",\"survival_mode_active\":%8$s}",
                agent, millis(iso), type, iso, state, runway, balance, survival);
    }

    @Test
    void watchListFollowsSnapshotsThenTransitions() throws Exception {
        List<Row> expected =
                List.of(
                        Row.of(
                                "watch-a",
                                t("2024-01-16T08:00:00Z"),
                                "survival_mode",
                                "desperate",
                                true,
                                4.0,
                                40.0,
                                10.0,
                                "transition:survival_mode"),
                        Row.of(
                                "watch-b",
                                t("2024-01-15T23:59:59.999Z"),
                                "runway_below_14_days",
                                "cautious",
                                false,
                                10.0,
                                100.0,
                                10.0,
                                "snapshot:day_close"));
        try (FlinkSqlSession session = session()) {
            List<Row> list =
                    session.materializeUntil(
                            "SELECT * FROM survival_watch_list",
                            rows -> rows.size() == expected.size() && rows.containsAll(expected),
                            Duration.ofSeconds(5),
                            TIMEOUT);
            assertThat(list).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    // ---------------------------------------------------------------------------------------
    // 10_kafka_tables.sql and 20_jdbc_tables.sql: what the jobs write reads back.

    static List<String> treasuryEvents() {
        return List.of(
                "{\"event_id\":\"b1\",\"agent_id\":\"agent-1\",\"timestamp\":\"2024-01-15T10:00:00Z\","
                        + "\"type\":\"balance\",\"balance_usd\":120.5,\"daily_burn_rate\":3.25}",
                "{\"event_id\":\"d1\",\"agent_id\":\"agent-1\",\"timestamp\":"
                        + millis("2024-01-15T11:00:00Z")
                        + ",\"type\":\"deposit\",\"amount\":50}");
    }

    @Test
    void kafkaTablesReadTheJobsJson() throws Exception {
        try (FlinkSqlSession session = session()) {
            assertThat(
                            session.first(
                                    "SELECT event_id, type, balance_usd, daily_burn_rate, amount,"
                                            + " event_time FROM treasury_events",
                                    2,
                                    TIMEOUT))
                    .containsExactly(
                            Row.of(
                                    "b1",
                                    "balance",
                                    120.5,
                                    3.25,
                                    null,
                                    Instant.parse("2024-01-15T10:00:00Z")),
                            Row.of(
                                    "d1",
                                    "deposit",
                                    null,
                                    null,
                                    50.0,
                                    Instant.parse("2024-01-15T11:00:00Z")));
            assertThat(
                            session.first(
                                    "SELECT agent_id, transition_type, `to`, survival_mode_active,"
                                            + " transition_time FROM agent_transitions",
                                    3,
                                    TIMEOUT))
                    .containsExactly(
                            Row.of(
                                    "watch-a",
                                    "survival_mode",
                                    "desperate",
                                    true,
                                    Instant.parse("2024-01-16T08:00:00Z")),
                            Row.of(
                                    "watch-c",
                                    "emotional_state",
                                    "stable",
                                    false,
                                    Instant.parse("2024-01-16T09:00:00Z")),
                            Row.of(
                                    "watch-b",
                                    "emotional_state",
                                    "desperate",
                                    true,
                                    Instant.parse("2024-01-14T09:00:00Z")));
            // A trade's metadata columns: where it sat in the topic.
            assertThat(
                            session.first(
                                    "SELECT kafka_partition, kafka_offset, event_time FROM trades",
                                    1,
                                    TIMEOUT))
                    .containsExactly(Row.of(0, 0L, Instant.parse("2024-01-15T10:00:20Z")));
        }
    }

    @Test
    void jdbcTablesReadAndUpsertOnTheirKeys() throws Exception {
        try (FlinkSqlSession session = session()) {
            assertThat(session.all("SELECT * FROM dead_letters", TIMEOUT))
                    .containsExactly(
                            Row.of(
                                    "kafka:market.trades",
                                    "t/0@7",
                                    t("2024-01-15T10:00:00Z"),
                                    "invalid JSON",
                                    "{not json"));
            assertThat(session.all("SELECT * FROM agent_metrics", TIMEOUT))
                    .containsExactly(
                            Row.of("agent-1", "balance_usd", t("2024-01-15T10:00:00Z"), 120.5));
            // Twice the same key: an upsert, not a second row nor a key violation.
            for (double close : new double[] {101.0, 102.0}) {
                session.execute(
                                "INSERT INTO market_data (symbol, timeframe, ts, `open`, high, low,"
                                        + " `close`, volume, trade_count, source) VALUES ('UPS',"
                                        + " '1m', TIMESTAMP '2024-01-15 10:00:00', 100, 103, 99, "
                                        + close
                                        + ", 5, 3, 'flink-sql')")
                        .await();
            }
            assertThat(
                            session.all(
                                    "SELECT symbol, ts, `close`, trade_count, ema_9 FROM"
                                            + " market_data",
                                    TIMEOUT))
                    .containsExactly(Row.of("UPS", t("2024-01-15T10:00:00Z"), 102.0, 3L, null));
            try (Connection c = services.jdbc();
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT count(*), max(close), min(ts) FROM market_data");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
                assertThat(rs.getDouble(2)).isEqualTo(102.0);
                assertThat(rs.getTimestamp(3).toInstant())
                        .isEqualTo(Instant.parse("2024-01-15T10:00:00Z"));
            }
        }
    }
}
