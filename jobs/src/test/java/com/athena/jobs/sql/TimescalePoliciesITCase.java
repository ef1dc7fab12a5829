package com.athena.jobs.sql;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.sql.SchemaMigrator;
import com.athena.jobs.sql.TimescaleAggregatesITCase.Bar;
import com.athena.jobs.sql.TimescaleAggregatesITCase.Ohlcv;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policies of {@code sql/timescaledb} doing their work on the real TimescaleDB service, each
 * run as TimescaleDB runs it ({@code CALL run_job(id)} of the job the migration registered, found
 * in {@code timescaledb_information.jobs}), never by calling the procedure or refresh behind it: a
 * refresh policy materializing 1m bars into its aggregate as the OHLCV computed here, the
 * compression policy compressing an old chunk that then answers the same query with the same rows,
 * and a retention policy dropping a chunk past its horizon while recent rows stay.
 *
 * <p>The migrations are applied twice first; the second apply must leave the catalog unchanged. The
 * one-day chunks are checked on the chunks these tests create (their declaration is {@code
 * TimescaleSchemaITCase}'s).
 *
 * <p>The server's background scheduler runs the same jobs on their own schedules (the tests that
 * write history postpone the retention and compression jobs by a day: {@code TestSchema}), so a
 * test never assumes that a job ran exactly once or that nothing was done before its {@code
 * run_job}: it asserts the outcome, which only a run of the policy can produce (rows in the
 * aggregate's materialization hypertable, a chunk's rows in its compressed storage, a chunk gone).
 * Symbols and agents are unique per run and removed at the end.
 */
@RequiresServices(RealService.TIMESCALEDB)
class TimescalePoliciesITCase {

    private static final String RUN =
            UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);

    /** 1m bars for the refresh policies, a few hours old. */
    private static final String REFRESH_SYMBOL = "POLR" + RUN;

    /** 1m bars older than the compression policy's compress_after. */
    private static final String COMPRESS_SYMBOL = "POLC" + RUN;

    /** agent_metrics rows, some past the retention policy's drop_after. */
    private static final String AGENT = "policies-it-" + RUN;

    private static final String[] AGGREGATES = {
        "market_data_5m", "market_data_15m", "market_data_1h"
    };

    private static final long[] BUCKET_MINUTES = {5, 15, 60};

    private static JdbcEndpoint timescale;
    private static Map<String, List<String>> afterFirstApply;
    private static Map<String, List<String>> afterSecondApply;

    /** A registered job: its id and config as TimescaleDB holds them. */
    record Job(int id, String config) {}

    @BeforeAll
    static void applyTheMigrationsTwice() throws Exception {
        timescale = JdbcEndpoint.timescale(ServiceEnvironment.load());
        try (Connection c = timescale.open()) {
            SchemaMigrator.apply(c);
            afterFirstApply = CatalogFingerprint.of(c, true);
            SchemaMigrator.apply(c);
            afterSecondApply = CatalogFingerprint.of(c, true);
        }
    }

    @AfterAll
    static void removeTheRows() throws Exception {
        if (timescale == null) {
            return;
        }
        try (Connection c = timescale.open()) {
            try (PreparedStatement delete =
                    c.prepareStatement("DELETE FROM market_data WHERE symbol IN (?, ?)")) {
                delete.setString(1, REFRESH_SYMBOL);
                delete.setString(2, COMPRESS_SYMBOL);
                delete.executeUpdate();
            }
            try (PreparedStatement delete =
                    c.prepareStatement("DELETE FROM agent_metrics WHERE agent_id = ?")) {
                delete.setString(1, AGENT);
                delete.executeUpdate();
            }
            // The policies take the deleted bars out of their aggregates again.
            for (String aggregate : AGGREGATES) {
                runJob(c, job(c, "policy_refresh_continuous_aggregate", aggregate).id());
            }
        }
    }

    @Test
    void theSecondApplyLeavesTheCatalogUnchanged() {
        assertThat(afterSecondApply).isEqualTo(afterFirstApply);
        // The jobs these tests run are among what the fingerprint compares.
        assertThat(afterFirstApply.get("jobs"))
                .anyMatch(
                        j -> j.contains("| policy_refresh_continuous_aggregate | market_data_5m |"))
                .anyMatch(j -> j.contains("| policy_compression | market_data |"))
                .anyMatch(j -> j.contains("| policy_retention | agent_metrics |"));
    }

    @Test
    void eachRefreshPolicyMaterializesTheOhlcvOfTheOneMinuteBars() throws Exception {
        try (Connection c = timescale.open()) {
            // Bars from 6 to 3 hours ago (whole hours): inside every refresh window, which runs
            // from start_offset (3 days) to end_offset (one bucket, at most 1 hour) ago.
            Instant start = now(c).truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(6));
            List<Bar> bars = bars(start, 180, new Random(14));
            insertBars(c, REFRESH_SYMBOL, bars);

            for (int i = 0; i < AGGREGATES.length; i++) {
                String aggregate = AGGREGATES[i];
                Job job = job(c, "policy_refresh_continuous_aggregate", aggregate);
                Duration startOffset = interval(c, job, "start_offset");
                Duration endOffset = interval(c, job, "end_offset");
                Instant now = now(c);
                assertThat(start).as("%s window start", aggregate).isAfter(now.minus(startOffset));
                assertThat(start.plus(Duration.ofMinutes(180)))
                        .as("%s window end", aggregate)
                        .isBefore(
                                now.minus(endOffset).minus(Duration.ofMinutes(BUCKET_MINUTES[i])));

                runJob(c, job.id());

                Map<Instant, Ohlcv> expected =
                        TimescaleAggregatesITCase.rollUp(bars, BUCKET_MINUTES[i]);
                // The materialization hypertable, not the view: the view is real-time and would
                // compute unrefreshed buckets from the 1m bars at query time. Only a refresh
                // writes rows here, and these tests never refresh by hand.
                assertThat(read(c, materialization(c, aggregate), REFRESH_SYMBOL))
                        .as("%s materialized by its policy (job %d)", aggregate, job.id())
                        .isEqualTo(expected);
                // The watermark (where the real-time part starts) moved past the bars.
                Instant lastBucketEnd =
                        ((TreeMap<Instant, Ohlcv>) expected)
                                .lastKey()
                                .plus(Duration.ofMinutes(BUCKET_MINUTES[i]));
                assertThat(watermark(c, aggregate))
                        .as("%s watermark", aggregate)
                        .isAfterOrEqualTo(lastBucketEnd);
                assertThat(read(c, aggregate, REFRESH_SYMBOL))
                        .as("%s as queried", aggregate)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void theCompressionPolicyCompressesOldChunksThatReturnTheSameRows() throws Exception {
        try (Connection c = timescale.open()) {
            Job job = job(c, "policy_compression", "market_data");
            Duration compressAfter = interval(c, job, "compress_after");
            // Two days past compress_after: the whole one-day chunk is older than the horizon.
            Instant day =
                    now(c).minus(compressAfter)
                            .minus(Duration.ofDays(2))
                            .truncatedTo(ChronoUnit.DAYS);
            List<Bar> bars = bars(day.plus(Duration.ofHours(1)), 180, new Random(7));
            insertBars(c, COMPRESS_SYMBOL, bars);
            Chunk chunk = chunkHolding(c, "market_data", bars.get(0).ts());
            assertThat(chunk.end()).isAfter(bars.get(bars.size() - 1).ts());

            String query =
                    "SELECT ts, open, high, low, close, volume, trade_count, source FROM market_data"
                            + " WHERE symbol = ? AND timeframe = '1m' AND ts >= ? AND ts < ?"
                            + " ORDER BY ts";
            String summary =
                    "SELECT count(*), min(low), max(high), sum(volume), sum(trade_count),"
                            + " first(open, ts), last(close, ts) FROM market_data"
                            + " WHERE symbol = ? AND timeframe = '1m' AND ts >= ? AND ts < ?";
            List<String> rowsBefore = rows(c, query, day);
            List<String> summaryBefore = rows(c, summary, day);
            assertThat(rowsBefore).hasSize(bars.size());

            runJob(c, job.id());

            assertThat(chunk(c, chunk.name()).compressed())
                    .as("%s compressed by job %d", chunk.name(), job.id())
                    .isTrue();
            // The chunk's own heap holds none of these rows: they are in its compressed storage
            // (a chunk compressed earlier and written to since would still hold them here).
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT count(*) FROM ONLY "
                                    + chunk.qualifiedName()
                                    + " WHERE symbol = ?")) {
                ps.setString(1, COMPRESS_SYMBOL);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("rows left uncompressed").isZero();
                }
            }
            assertThat(rows(c, query, day)).isEqualTo(rowsBefore);
            assertThat(rows(c, summary, day)).isEqualTo(summaryBefore);
            // ... and the query really reads compressed data (the node was DecompressChunk
            // before TimescaleDB 2.22, ColumnarScan since).
            assertThat(String.join("\n", explain(c, query, day)))
                    .containsAnyOf("ColumnarScan", "DecompressChunk");
        }
    }

    @Test
    void theRetentionPolicyDropsChunksPastItsHorizonAndKeepsRecentRows() throws Exception {
        try (Connection c = timescale.open()) {
            Job job = job(c, "policy_retention", "agent_metrics");
            Duration dropAfter = interval(c, job, "drop_after");
            Instant now = now(c).truncatedTo(ChronoUnit.SECONDS);
            // Old: five days past the horizon, so its whole one-day chunk is past it too.
            Instant old = now.minus(dropAfter).minus(Duration.ofDays(5));
            List<String> oldRows = List.of(old + " balance_usd 10.0", old + " emotional_state 2.0");
            List<String> recentRows =
                    List.of(
                            now.minus(Duration.ofDays(1)) + " balance_usd 9.5",
                            now.minus(Duration.ofHours(1)) + " balance_usd 9.25",
                            now.minus(Duration.ofHours(1)) + " emotional_state 1.0");
            try (PreparedStatement insert =
                    c.prepareStatement(
                            "INSERT INTO agent_metrics (agent_id, metric_name, ts, value, labels)"
                                    + " VALUES (?, ?, ?, ?, '{\"source\": \"policies-it\"}')")) {
                for (String row : concat(oldRows, recentRows)) {
                    String[] f = row.split(" ");
                    insert.setString(1, AGENT);
                    insert.setString(2, f[1]);
                    insert.setTimestamp(3, Timestamp.from(Instant.parse(f[0])));
                    insert.setDouble(4, Double.parseDouble(f[2]));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            Chunk oldChunk = chunkHolding(c, "agent_metrics", old);
            Chunk recentChunk = chunkHolding(c, "agent_metrics", now.minus(Duration.ofHours(1)));
            assertThat(metrics(c)).containsExactlyInAnyOrderElementsOf(concat(oldRows, recentRows));

            runJob(c, job.id());

            assertThat(chunkNames(c, "agent_metrics"))
                    .as("chunks of agent_metrics after job %d", job.id())
                    .doesNotContain(oldChunk.name())
                    .contains(recentChunk.name());
            assertThat(metrics(c)).containsExactlyInAnyOrderElementsOf(recentRows);
        }
    }

    // ---------------------------------------------------------------------------------------

    /** A chunk as timescaledb_information.chunks has it. */
    record Chunk(String schema, String name, Instant start, Instant end, boolean compressed) {
        String qualifiedName() {
            return '"' + schema + "\".\"" + name + '"';
        }
    }

    /** 1m bars from {@code start}, {@code minutes} long with a gap now and then. */
    private static List<Bar> bars(Instant start, int minutes, Random random) {
        List<Bar> bars = new ArrayList<>();
        double price = 30_000;
        for (int m = 0; m < minutes; m++) {
            if (m > 0 && random.nextInt(8) == 0) {
                continue;
            }
            double open = price;
            double close = open + (random.nextDouble() - 0.5) * 30;
            double high = Math.max(open, close) + random.nextDouble() * 5;
            double low = Math.min(open, close) - random.nextDouble() * 5;
            // In 1/256ths: sums are exact in any order, so the comparison can be exact.
            double volume = (1 + random.nextInt(50_000)) / 256.0;
            bars.add(
                    new Bar(
                            start.plus(Duration.ofMinutes(m)),
                            open,
                            high,
                            low,
                            close,
                            volume,
                            1 + random.nextInt(300)));
            price = close;
        }
        return bars;
    }

    /** Inserts the bars in shuffled order (open and close must come from the bar times). */
    private static void insertBars(Connection c, String symbol, List<Bar> bars)
            throws SQLException {
        List<Bar> shuffled = new ArrayList<>(bars);
        Collections.shuffle(shuffled, new Random(bars.size()));
        try (PreparedStatement insert =
                c.prepareStatement(
                        "INSERT INTO market_data (symbol, timeframe, ts, open, high, low, close,"
                                + " volume, trade_count, source)"
                                + " VALUES (?, '1m', ?, ?, ?, ?, ?, ?, ?, 'policies-it')")) {
            for (Bar b : shuffled) {
                insert.setString(1, symbol);
                insert.setTimestamp(2, Timestamp.from(b.ts()));
                insert.setDouble(3, b.open());
                insert.setDouble(4, b.high());
                insert.setDouble(5, b.low());
                insert.setDouble(6, b.close());
                insert.setDouble(7, b.volume());
                insert.setLong(8, b.trades());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The one job of {@code proc} on {@code relation} (a hypertable or an aggregate's view). */
    private static Job job(Connection c, String proc, String relation) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT job_id, config::text FROM timescaledb_information.jobs"
                                + " WHERE proc_name = ? AND hypertable_schema = current_schema()"
                                + " AND hypertable_name = ?")) {
            ps.setString(1, proc);
            ps.setString(2, relation);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a %s job on %s", proc, relation).isTrue();
                Job job = new Job(rs.getInt(1), rs.getString(2));
                assertThat(rs.next()).as("one %s job on %s", proc, relation).isFalse();
                return job;
            }
        }
    }

    /** An interval of the job's config, e.g. compress_after. */
    private static Duration interval(Connection c, Job job, String key) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT (extract(epoch FROM (config ->> ?)::interval) * 1000)::bigint"
                                + " FROM timescaledb_information.jobs WHERE job_id = ?")) {
            ps.setString(1, key);
            ps.setInt(2, job.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject(1)).as("%s of job %s", key, job).isNotNull();
                return Duration.ofMillis(rs.getLong(1));
            }
        }
    }

    /** Runs the job in this session as the scheduler would (autocommit: no transaction). */
    private static void runJob(Connection c, int id) throws SQLException {
        assertThat(c.getAutoCommit()).isTrue();
        try (Statement st = c.createStatement()) {
            st.execute("CALL run_job(" + id + ")");
        }
    }

    private static Instant now(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /** The hypertable a continuous aggregate materializes into. */
    private static String materialization(Connection c, String aggregate) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT format('%I.%I', materialization_hypertable_schema,"
                                + " materialization_hypertable_name)"
                                + " FROM timescaledb_information.continuous_aggregates"
                                + " WHERE view_schema = current_schema() AND view_name = ?")) {
            ps.setString(1, aggregate);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(aggregate).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** Where the aggregate's materialized part ends (documented cagg_watermark). */
    private static Instant watermark(Connection c, String aggregate) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT _timescaledb_functions.to_timestamp("
                                + "_timescaledb_functions.cagg_watermark(ca.mat_hypertable_id))"
                                + " FROM _timescaledb_catalog.continuous_agg ca"
                                + " WHERE ca.user_view_schema = current_schema()"
                                + " AND ca.user_view_name = ?")) {
            ps.setString(1, aggregate);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(aggregate).isTrue();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    private static Map<Instant, Ohlcv> read(Connection c, String relation, String symbol)
            throws SQLException {
        Map<Instant, Ohlcv> result = new TreeMap<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT bucket, open, high, low, close, volume, trade_count, bar_count FROM "
                                + relation
                                + " WHERE symbol = ? ORDER BY 1")) {
            ps.setString(1, symbol);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.put(
                            rs.getTimestamp(1).toInstant(),
                            new Ohlcv(
                                    rs.getDouble(2),
                                    rs.getDouble(3),
                                    rs.getDouble(4),
                                    rs.getDouble(5),
                                    rs.getDouble(6),
                                    rs.getLong(7),
                                    rs.getLong(8)));
                }
            }
        }
        return result;
    }

    /** The rows of a query on COMPRESS_SYMBOL over {@code day}, each as text. */
    private static List<String> rows(Connection c, String query, Instant day) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(query)) {
            bindDay(ps, day);
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= columns; i++) {
                        row.append(i == 1 ? "" : " | ").append(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
            }
        }
        return rows;
    }

    private static List<String> explain(Connection c, String query, Instant day)
            throws SQLException {
        return rows(c, "EXPLAIN (COSTS OFF) " + query, day);
    }

    private static void bindDay(PreparedStatement ps, Instant day) throws SQLException {
        ps.setString(1, COMPRESS_SYMBOL);
        ps.setTimestamp(2, Timestamp.from(day));
        ps.setTimestamp(3, Timestamp.from(day.plus(Duration.ofDays(1))));
    }

    /** The chunk of {@code hypertable} whose range holds {@code ts}; one day wide. */
    private static Chunk chunkHolding(Connection c, String hypertable, Instant ts)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT chunk_schema, chunk_name, range_start, range_end, is_compressed"
                                + " FROM timescaledb_information.chunks"
                                + " WHERE hypertable_schema = current_schema()"
                                + " AND hypertable_name = ? AND range_start <= ? AND range_end > ?")) {
            ps.setString(1, hypertable);
            ps.setTimestamp(2, Timestamp.from(ts));
            ps.setTimestamp(3, Timestamp.from(ts));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a chunk of %s holding %s", hypertable, ts).isTrue();
                Chunk chunk = chunk(rs);
                assertThat(Duration.between(chunk.start(), chunk.end()))
                        .as("%s of %s", chunk.name(), hypertable)
                        .isEqualTo(Duration.ofDays(1));
                return chunk;
            }
        }
    }

    private static Chunk chunk(Connection c, String name) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT chunk_schema, chunk_name, range_start, range_end, is_compressed"
                                + " FROM timescaledb_information.chunks WHERE chunk_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("chunk %s", name).isTrue();
                return chunk(rs);
            }
        }
    }

    private static Chunk chunk(ResultSet rs) throws SQLException {
        return new Chunk(
                rs.getString(1),
                rs.getString(2),
                rs.getTimestamp(3).toInstant(),
                rs.getTimestamp(4).toInstant(),
                rs.getBoolean(5));
    }

    private static List<String> chunkNames(Connection c, String hypertable) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT chunk_name FROM timescaledb_information.chunks"
                                + " WHERE hypertable_schema = current_schema()"
                                + " AND hypertable_name = ?")) {
            ps.setString(1, hypertable);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** AGENT's metrics as "ts metric value". */
    private static List<String> metrics(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT ts, metric_name, value FROM agent_metrics WHERE agent_id = ?")) {
            ps.setString(1, AGENT);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(
                            rs.getTimestamp(1).toInstant()
                                    + " "
                                    + rs.getString(2)
                                    + " "
                                    + rs.getDouble(3));
                }
            }
        }
        return rows;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
