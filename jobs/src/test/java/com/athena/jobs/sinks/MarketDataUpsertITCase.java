package com.athena.jobs.sinks;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.TrendDirection;
import com.athena.common.indicators.VolatilityRegime;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.jobs.market.MarketDataRows;
import com.athena.jobs.market.MarketJdbcSinks;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The market_data sink on real PostgreSQL: batched upserts on (symbol, timeframe, ts) where the
 * same key several times within one batch keeps the last row (PostgreSQL refuses an upsert touching
 * a row twice), and a replay leaves exactly the rows of one run; on PostgreSQL and TimescaleDB,
 * every column of every row arrives as sent through the column arrays (NULL for a NaN indicator,
 * hostile symbols verbatim).
 */
@RequiresServices({RealService.POSTGRES, RealService.TIMESCALEDB})
class MarketDataUpsertITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    private static MarketBar row(String symbol, long open, double close) {
        IndicatorValues v = new IndicatorValues();
        v.ema9 = close - 1;
        return new MarketBar(new Bar(symbol, "1m", open, close, close, close, close, 1, 1), v);
    }

    @Test
    void duplicateKeysWithinABatchKeepTheLastRow() throws Exception {
        JdbcEndpoint postgres = JdbcEndpoint.postgres(ServiceEnvironment.load());
        String symbol = "UPS" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        try (Connection c = postgres.open()) {
            TestSchema.apply(c);
        }
        List<MarketBar> input = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            input.add(row(symbol, i * 60_000L, 100 + i));
        }
        // Later versions of ten keys, in the same batch as the first.
        for (int i = 0; i < 10; i++) {
            input.add(row(symbol, i * 60_000L, 500 + i));
            input.add(row(symbol, i * 60_000L, 900 + i));
        }

        for (int run = 0; run < 2; run++) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromData(input, TypeInformation.of(MarketBar.class))
                    .uid("rows")
                    .sinkTo(
                            MarketJdbcSinks.marketData(
                                    postgres,
                                    JdbcExecutionOptions.builder().withBatchSize(1000).build(),
                                    "upsert-it"))
                    .uid("sink");
            env.execute("market-data-upsert-it");
        }

        try (Connection c = postgres.open()) {
            List<MarketBar> rows = MarketDataRows.read(c, symbol, "1m", "upsert-it", 0);
            assertThat(rows).hasSize(50);
            for (int i = 0; i < 50; i++) {
                double expected = i < 10 ? 900 + i : 100 + i;
                assertThat(rows.get(i).bar.close).as("bar %d", i).isEqualTo(expected);
                assertThat(rows.get(i).indicators.ema9).isEqualTo(expected - 1);
                assertThat(rows.get(i).indicators.rsi14).isNaN();
            }
        }
    }

    /** Symbols that an array literal must quote or escape (at most 32 chars: the column's size). */
    private static final List<String> HOSTILE =
            List.of(
                    "NULL",
                    "",
                    " spaced ",
                    "com,ma",
                    "{brace}",
                    "{\"a\",\"b\"}",
                    "dq\"uote",
                    "q'uote ''",
                    "back\\slash \\\\ \\\"",
                    "'; DROP TABLE market_data; --",
                    "(1,2) ROW(x) ARRAY[1]",
                    "\u03a9\u4e2d\ud83d\ude00 e\u0301",
                    "line\nbreak\ttab\r");

    /**
     * Row {@code k}: every numeric column a distinct value of {@code k}, open times with
     * milliseconds; indicators all NaN for every third row, one NaN indicator (a different one per
     * row) for the next.
     */
    private static MarketBar roundTripRow(int k, String timeframe) {
        double base = k * 1000 + 0.125;
        Bar b =
                new Bar(
                        HOSTILE.get(k % HOSTILE.size()),
                        timeframe,
                        1_700_000_000_123L + k * 60_000L,
                        base + 1,
                        base + 2,
                        base + 3,
                        base + 4,
                        base + 5 + 1e-9,
                        1_000_000_000_000L + k);
        IndicatorValues v = new IndicatorValues();
        if (k % 3 != 0) {
            v.ema9 = base + 11;
            v.ema21 = base + 12;
            v.ema50 = base + 13;
            v.ema200 = base + 14;
            v.rsi14 = base + 15;
            v.macd = -(base + 16);
            v.macdSignal = base + 17;
            v.macdHistogram = base + 18;
            v.bbUpper = base + 19;
            v.bbMiddle = base + 20;
            v.bbLower = base + 21;
            v.atr14 = Math.PI * k;
            v.trendDirection = TrendDirection.values()[k % TrendDirection.values().length];
            v.volatilityRegime = VolatilityRegime.values()[k % VolatilityRegime.values().length];
        }
        if (k % 3 == 1) {
            double[] values = v.toArray();
            values[k % values.length] = Double.NaN;
            v.ema9 = values[0];
            v.ema21 = values[1];
            v.ema50 = values[2];
            v.ema200 = values[3];
            v.rsi14 = values[4];
            v.macd = values[5];
            v.macdSignal = values[6];
            v.macdHistogram = values[7];
            v.bbUpper = values[8];
            v.bbMiddle = values[9];
            v.bbLower = values[10];
            v.atr14 = values[11];
        }
        return new MarketBar(b, v);
    }

    @Test
    void everyColumnArrivesAsSentOnPostgresAndTimescale() throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        for (JdbcEndpoint db :
                List.of(JdbcEndpoint.postgres(services), JdbcEndpoint.timescale(services))) {
            String run = UUID.randomUUID().toString().substring(0, 6);
            // A timeframe of this run's own: no other test's row shares a key with these.
            String timeframe = "rt" + run;
            String source = "roundtrip-" + run;
            try (Connection c = db.open()) {
                TestSchema.apply(c);
            }
            List<MarketBar> input = new ArrayList<>();
            for (int k = 0; k < 40; k++) {
                input.add(roundTripRow(k, timeframe));
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromData(input, TypeInformation.of(MarketBar.class))
                    .uid("rows")
                    .sinkTo(
                            MarketJdbcSinks.marketData(
                                    db,
                                    // Several full batches and a partial one.
                                    JdbcExecutionOptions.builder().withBatchSize(16).build(),
                                    source))
                    .uid("sink");
            env.execute("market-data-roundtrip-it");

            try (Connection c = db.open();
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT symbol, timeframe,"
                                            + " CAST(extract(epoch FROM ts) * 1000 AS BIGINT),"
                                            + " open, high, low, close, volume, trade_count, ema_9,"
                                            + " ema_21, ema_50, ema_200, rsi_14, macd, macd_signal,"
                                            + " macd_histogram, bb_upper, bb_middle, bb_lower,"
                                            + " atr_14, trend_direction, volatility_regime, source"
                                            + " FROM market_data WHERE timeframe = ? ORDER BY ts")) {
                ps.setString(1, timeframe);
                try (ResultSet rs = ps.executeQuery()) {
                    for (MarketBar m : input) {
                        String where = db.url() + " bar " + m.bar.openTime;
                        assertThat(rs.next()).as(where).isTrue();
                        assertThat(rs.getString(1)).as(where).isEqualTo(m.bar.symbol);
                        assertThat(rs.getString(2)).as(where).isEqualTo(timeframe);
                        assertThat(rs.getLong(3)).as(where).isEqualTo(m.bar.openTime);
                        assertThat(rs.getDouble(4)).as(where).isEqualTo(m.bar.open);
                        assertThat(rs.getDouble(5)).as(where).isEqualTo(m.bar.high);
                        assertThat(rs.getDouble(6)).as(where).isEqualTo(m.bar.low);
                        assertThat(rs.getDouble(7)).as(where).isEqualTo(m.bar.close);
                        assertThat(rs.getDouble(8)).as(where).isEqualTo(m.bar.volume);
                        assertThat(rs.getLong(9)).as(where).isEqualTo(m.bar.tradeCount);
                        double[] expected = m.indicators.toArray();
                        for (int j = 0; j < expected.length; j++) {
                            double got = rs.getDouble(10 + j);
                            if (rs.wasNull()) {
                                got = Double.NaN;
                            }
                            // Boxed: Double.equals holds NaN (NULL) equal to NaN.
                            assertThat(Double.valueOf(got))
                                    .as("%s indicator %d", where, j)
                                    .isEqualTo(Double.valueOf(expected[j]));
                        }
                        assertThat(rs.getString(22))
                                .as(where)
                                .isEqualTo(
                                        m.indicators.trendDirection == null
                                                ? null
                                                : m.indicators.trendDirection.label());
                        assertThat(rs.getString(23))
                                .as(where)
                                .isEqualTo(
                                        m.indicators.volatilityRegime == null
                                                ? null
                                                : m.indicators.volatilityRegime.label());
                        assertThat(rs.getString(24)).as(where).isEqualTo(source);
                    }
                    assertThat(rs.next()).as("no extra rows").isFalse();
                }
            }
        }
    }
}
