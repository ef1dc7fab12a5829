package com.athena.jobs.sql;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
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
 * The continuous aggregates on the real TimescaleDB service: 1m bars over several days land in
 * one-day chunks, and each refreshed aggregate holds exactly the OHLCV computed here from the same
 * rows, also after an upsert into a compressed chunk.
 */
@RequiresServices(RealService.TIMESCALEDB)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TimescaleAggregatesITCase {

    /** Three UTC days touched: 22:00 on day one to 02:00 on day three. */
    private static final Instant START = Instant.parse("2021-03-01T22:00:00Z");

    private static final Instant END = START.plus(Duration.ofHours(28));

    private static final String[] AGGREGATES = {
        "market_data_5m", "market_data_15m", "market_data_1h"
    };

    private static final long[] BUCKET_MINUTES = {5, 15, 60};

    /** A 1m bar as inserted. */
    record Bar(
            Instant ts,
            double open,
            double high,
            double low,
            double close,
            double volume,
            long trades) {}

    /** A bucket's OHLCV. */
    record Ohlcv(
            double open,
            double high,
            double low,
            double close,
            double volume,
            long trades,
            long bars) {}

    private static JdbcEndpoint timescale;
    private static String symbol;
    private static final List<Bar> BARS = new ArrayList<>();

    @BeforeAll
    static void insertOneMinuteBars() throws Exception {
        timescale = JdbcEndpoint.timescale(ServiceEnvironment.load());
        symbol = "AGG" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
        Random random = new Random(5);
        double price = 50_000;
        for (Instant t = START; t.isBefore(END); t = t.plus(Duration.ofMinutes(1))) {
            long minute = Duration.between(START, t).toMinutes();
            // Gaps: a missing minute now and then, and one whole hour without bars.
            if (random.nextInt(10) == 0 || (minute >= 600 && minute < 660)) {
                continue;
            }
            double open = price;
            double close = open + (random.nextDouble() - 0.5) * 40;
            double high = Math.max(open, close) + random.nextDouble() * 10;
            double low = Math.min(open, close) - random.nextDouble() * 10;
            // Volumes in 1/256ths: floating-point sums of them are exact in any order, so the
            // comparison below is exact whatever order the database adds them in.
            double volume = (1 + random.nextInt(100_000)) / 256.0;
            BARS.add(new Bar(t, open, high, low, close, volume, 1 + random.nextInt(500)));
            price = close;
        }
        // Arrival order is not bar order: open and close must come from the bar times.
        List<Bar> shuffled = new ArrayList<>(BARS);
        Collections.shuffle(shuffled, random);

        try (Connection c = timescale.open()) {
            TestSchema.apply(c);
            try (Statement st = c.createStatement()) {
                // Multi-row inserts: one statement per 500 rows.
                for (int from = 0; from < shuffled.size(); from += 500) {
                    StringBuilder sql =
                            new StringBuilder(
                                    "INSERT INTO market_data (symbol, timeframe, ts, open, high,"
                                            + " low, close, volume, trade_count, source) VALUES ");
                    for (int i = from; i < Math.min(from + 500, shuffled.size()); i++) {
                        Bar b = shuffled.get(i);
                        sql.append(i == from ? "" : ",")
                                .append("('")
                                .append(symbol)
                                .append("','1m','")
                                .append(b.ts())
                                .append("',")
                                .append(b.open())
                                .append(',')
                                .append(b.high())
                                .append(',')
                                .append(b.low())
                                .append(',')
                                .append(b.close())
                                .append(',')
                                .append(b.volume())
                                .append(',')
                                .append(b.trades())
                                .append(",'it')");
                    }
                    st.executeUpdate(sql.toString());
                }
            }
        }
    }

    @AfterAll
    static void removeTheRows() throws Exception {
        if (timescale == null || symbol == null) {
            return;
        }
        try (Connection c = timescale.open()) {
            try (PreparedStatement delete =
                    c.prepareStatement("DELETE FROM market_data WHERE symbol = ?")) {
                delete.setString(1, symbol);
                delete.executeUpdate();
            }
            // Refreshing after the delete takes the symbol's buckets out of the aggregates too.
            for (String aggregate : AGGREGATES) {
                refresh(c, aggregate);
            }
        }
    }

    @Test
    @Order(1)
    void oneMinuteBarsOverSeveralDaysLandInOneDayChunks() throws Exception {
        try (Connection c = timescale.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT ch.range_start, ch.range_end FROM"
                                        + " timescaledb_information.chunks ch"
                                        + " WHERE ch.hypertable_name = 'market_data'"
                                        + " AND ch.range_start < ? AND ch.range_end > ?"
                                        + " ORDER BY ch.range_start")) {
            ps.setTimestamp(1, Timestamp.from(END));
            ps.setTimestamp(2, Timestamp.from(START));
            List<Instant> starts = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant from = rs.getTimestamp(1).toInstant();
                    assertThat(Duration.between(from, rs.getTimestamp(2).toInstant()))
                            .isEqualTo(Duration.ofDays(1));
                    starts.add(from);
                }
            }
            assertThat(starts)
                    .containsExactly(
                            Instant.parse("2021-03-01T00:00:00Z"),
                            Instant.parse("2021-03-02T00:00:00Z"),
                            Instant.parse("2021-03-03T00:00:00Z"));
        }
    }

    @Test
    @Order(2)
    void refreshedAggregatesEqualTheOhlcvOfTheSameBars() throws Exception {
        try (Connection c = timescale.open()) {
            for (int i = 0; i < AGGREGATES.length; i++) {
                // Created WITH NO DATA: nothing of this symbol is materialized before a refresh.
                assertThat(read(c, materialization(c, AGGREGATES[i]), "bucket")).isEmpty();
                refresh(c, AGGREGATES[i]);
                Map<Instant, Ohlcv> expected = rollUp(BARS, BUCKET_MINUTES[i]);
                assertThat(read(c, materialization(c, AGGREGATES[i]), "bucket"))
                        .as("%s materialized", AGGREGATES[i])
                        .isEqualTo(expected);
                assertThat(read(c, AGGREGATES[i], "bucket"))
                        .as("%s as queried", AGGREGATES[i])
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    @Order(3)
    void anUpsertIntoACompressedChunkReachesTheNextRefresh() throws Exception {
        Bar first = BARS.get(0);
        Bar changed =
                new Bar(
                        first.ts(),
                        1.5,
                        first.high() + 1000,
                        0.25,
                        2.5,
                        1024.0,
                        first.trades() + 1);
        try (Connection c = timescale.open()) {
            try (PreparedStatement compress =
                    c.prepareStatement(
                            "SELECT compress_chunk(ch, if_not_compressed => TRUE)"
                                    + " FROM show_chunks('market_data',"
                                    + " newer_than => ?::timestamptz, older_than => ?::timestamptz) ch")) {
                compress.setString(1, "2021-03-01T00:00:00Z");
                compress.setString(2, "2021-03-02T00:00:00Z");
                compress.executeQuery().close();
            }
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT is_compressed FROM timescaledb_information.chunks"
                                    + " WHERE hypertable_name = 'market_data'"
                                    + " AND range_start = '2021-03-01T00:00:00Z'")) {
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBoolean(1)).isTrue();
                }
            }
            // The market job's upsert (JdbcSinks), on a bar already in the compressed chunk.
            try (PreparedStatement upsert =
                    c.prepareStatement(
                            "INSERT INTO market_data (symbol, timeframe, ts, open, high, low, close,"
                                    + " volume, trade_count) VALUES (?, '1m', ?, ?, ?, ?, ?, ?, ?)"
                                    + " ON CONFLICT (symbol, timeframe, ts) DO UPDATE SET"
                                    + " open = EXCLUDED.open, high = EXCLUDED.high,"
                                    + " low = EXCLUDED.low, close = EXCLUDED.close,"
                                    + " volume = EXCLUDED.volume, trade_count = EXCLUDED.trade_count")) {
                upsert.setString(1, symbol);
                upsert.setTimestamp(2, Timestamp.from(changed.ts()));
                upsert.setDouble(3, changed.open());
                upsert.setDouble(4, changed.high());
                upsert.setDouble(5, changed.low());
                upsert.setDouble(6, changed.close());
                upsert.setDouble(7, changed.volume());
                upsert.setLong(8, changed.trades());
                assertThat(upsert.executeUpdate()).isEqualTo(1);
            }
            BARS.set(0, changed);
            for (int i = 0; i < AGGREGATES.length; i++) {
                refresh(c, AGGREGATES[i]);
                assertThat(read(c, AGGREGATES[i], "bucket"))
                        .as("%s after the upsert", AGGREGATES[i])
                        .isEqualTo(rollUp(BARS, BUCKET_MINUTES[i]));
            }
            try (PreparedStatement count =
                    c.prepareStatement(
                            "SELECT count(*) FROM market_data WHERE symbol = ? AND timeframe = '1m'")) {
                count.setString(1, symbol);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(BARS.size());
                }
            }
        }
    }

    /** OHLCV per bucket computed here, independently of the database. */
    static Map<Instant, Ohlcv> rollUp(List<Bar> bars, long bucketMinutes) {
        Map<Instant, List<Bar>> buckets = new TreeMap<>();
        long width = bucketMinutes * 60;
        for (Bar bar : bars) {
            long second = bar.ts().getEpochSecond();
            Instant bucket = Instant.ofEpochSecond(second - Math.floorMod(second, width));
            buckets.computeIfAbsent(bucket, k -> new ArrayList<>()).add(bar);
        }
        Map<Instant, Ohlcv> result = new TreeMap<>();
        for (Map.Entry<Instant, List<Bar>> bucket : buckets.entrySet()) {
            List<Bar> in = new ArrayList<>(bucket.getValue());
            in.sort((a, b) -> a.ts().compareTo(b.ts()));
            double high = Double.NEGATIVE_INFINITY;
            double low = Double.POSITIVE_INFINITY;
            double volume = 0;
            long trades = 0;
            for (Bar bar : in) {
                high = Math.max(high, bar.high());
                low = Math.min(low, bar.low());
                volume += bar.volume();
                trades += bar.trades();
            }
            result.put(
                    bucket.getKey(),
                    new Ohlcv(
                            in.get(0).open(),
                            high,
                            low,
                            in.get(in.size() - 1).close(),
                            volume,
                            trades,
                            in.size()));
        }
        return result;
    }

    private static Map<Instant, Ohlcv> read(Connection c, String relation, String timeColumn)
            throws SQLException {
        Map<Instant, Ohlcv> result = new TreeMap<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT "
                                + timeColumn
                                + ", open, high, low, close, volume, trade_count, bar_count FROM "
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

    /** The hypertable a continuous aggregate materializes into. */
    private static String materialization(Connection c, String aggregate) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT format('%I.%I', materialization_hypertable_schema,"
                                + " materialization_hypertable_name)"
                                + " FROM timescaledb_information.continuous_aggregates"
                                + " WHERE view_name = ?")) {
            ps.setString(1, aggregate);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(aggregate).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static void refresh(Connection c, String aggregate) throws SQLException {
        // CALL refresh_continuous_aggregate cannot run in a transaction: autocommit is on.
        try (Statement st = c.createStatement()) {
            st.execute(
                    "CALL refresh_continuous_aggregate('"
                            + aggregate
                            + "', '"
                            + START.minus(Duration.ofDays(1))
                            + "', '"
                            + END.plus(Duration.ofDays(1))
                            + "')");
        }
    }
}
