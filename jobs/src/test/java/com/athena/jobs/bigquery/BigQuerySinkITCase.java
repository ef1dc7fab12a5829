package com.athena.jobs.bigquery;

import com.athena.common.bigquery.BigQueryEndpoint;
import com.athena.common.bigquery.BigQueryRowMapper;
import com.athena.common.bigquery.BigQuerySink;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.TrendDirection;
import com.athena.common.indicators.VolatilityRegime;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.market.MarketSnapshot;
import com.athena.jobs.market.MarketBarRows;
import com.athena.jobs.market.MarketSnapshotRows;
import com.athena.testing.LocalBigQueryServer;
import com.athena.testing.MiniClusters;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BigQuerySink} in MiniCluster jobs writes market snapshots and bars into {@code
 * market_data} and {@code market_indicators}: exact rows, NULLs, de-duplication of replays, retries
 * of transient failures, and a restart after retries run out.
 *
 * <p>The sink speaks the real REST wire protocol (the official client's {@code
 * tabledata.insertAll}) to a local endpoint, {@link LocalBigQueryServer}, that runs in this JVM and
 * needs no external service; nothing here ran against real BigQuery. The endpoint de-duplicates
 * insert ids exactly, where BigQuery does so on a best-effort basis for about a minute.
 *
 * <p>Counters come from the writers' own metrics through an {@link InMemoryReporter} on this test's
 * MiniCluster (the shared {@link MiniClusters} one has no reporter).
 */
class BigQuerySinkITCase {
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = miniClusterWithReporter();

    private static final long T0 = Instant.parse("2024-01-15T10:00:00Z").toEpochMilli();
    private static final long QUARTER_HOUR = 15 * 60_000L;
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** The columns of seed 001's {@code market_data}: the endpoint rejects any other field. */
    private static final List<String> SEED_MARKET_DATA_COLUMNS =
            List.of(
                    "timestamp",
                    "btc_price",
                    "eth_price",
                    "btc_24h_change",
                    "eth_24h_change",
                    "btc_market_cap",
                    "eth_market_cap",
                    "total_market_cap",
                    "defi_tvl",
                    "fear_greed_index",
                    "gas_price_gwei",
                    "active_addresses_btc",
                    "active_addresses_eth",
                    "data_source",
                    "collection_metadata");

    private static final int SNAPSHOTS = 60;
    private static final int BARS_PER_SERIES = 40;
    private static final int BATCH = 7;

    private LocalBigQueryServer server;

    private static MiniClusterExtension miniClusterWithReporter() {
        // The same settings as MiniClusters.extension(), plus the reporter.
        Configuration config = new Configuration();
        config.setString("pipeline.auto-generate-uids", "false");
        config.setString("pipeline.generic-types", "false");
        REPORTER.addToConfiguration(config);
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setConfiguration(config)
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(MiniClusters.PARALLELISM)
                        .build());
    }

    @BeforeEach
    void startEndpoint() throws Exception {
        server = LocalBigQueryServer.start();
        // Declared tables: a column the seed does not have fails the insert as "invalid".
        server.defineTable(MarketSnapshotRows.TABLE, SEED_MARKET_DATA_COLUMNS);
        server.defineTable(MarketBarRows.TABLE, MarketBarRows.COLUMNS);
    }

    @AfterEach
    void stopEndpoint() {
        server.close();
    }

    @Test
    void writesExactRowsWithNullsAndAReplayChangesNothing() throws Exception {
        List<MarketSnapshot> snapshots = snapshots();
        List<MarketBar> bars = bars();

        JobID first = run(snapshots, bars, "none", 1);

        Map<String, Map<String, Object>> marketData = server.rowsById(MarketSnapshotRows.TABLE);
        Map<String, Map<String, Object>> indicators = server.rowsById(MarketBarRows.TABLE);
        assertThat(marketData).isEqualTo(expectedSnapshotRows(snapshots));
        assertThat(indicators).isEqualTo(expectedBarRows(bars));
        assertThat(server.arrivals(MarketSnapshotRows.TABLE)).isEqualTo(snapshots.size());
        assertThat(server.arrivals(MarketBarRows.TABLE)).isEqualTo(bars.size());
        assertThat(counter(first, BigQuerySink.ROWS_INSERTED_METRIC))
                .isEqualTo(snapshots.size() + bars.size());
        assertThat(counter(first, BigQuerySink.INSERT_RETRIES_METRIC)).isZero();

        // Seed 001's first sample row, value by value, as it arrived on the wire; NULL columns
        // are not sent at all.
        assertThat(marketData.get("market_data:coingecko:" + T0))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.ofEntries(
                                Map.entry("timestamp", "2024-01-15T10:00:00.000000Z"),
                                Map.entry("btc_price", 42500.50),
                                Map.entry("eth_price", 2450.75),
                                Map.entry("btc_24h_change", -2.5),
                                Map.entry("eth_24h_change", -3.2),
                                Map.entry("btc_market_cap", 830000000000.0),
                                Map.entry("eth_market_cap", 295000000000.0),
                                Map.entry("total_market_cap", 1650000000000.0),
                                Map.entry("defi_tvl", 52000000000.0),
                                Map.entry("fear_greed_index", 45L),
                                Map.entry("gas_price_gwei", 35.5),
                                Map.entry("active_addresses_btc", 425000L),
                                Map.entry("active_addresses_eth", 1250000L),
                                Map.entry("data_source", "coingecko"),
                                Map.entry(
                                        "collection_metadata",
                                        "{\"pipeline\":\"athena-flink/market\","
                                                + "\"missing_fields\":[]}")));
        Map<String, Object> sparse = marketData.get("market_data:coingecko:" + (T0 + QUARTER_HOUR));
        assertThat(sparse)
                .doesNotContainKeys(
                        "defi_tvl", "gas_price_gwei", "active_addresses_eth", "fear_greed_index")
                .containsEntry(
                        "collection_metadata",
                        "{\"pipeline\":\"athena-flink/market\",\"missing_fields\":[\"defi_tvl\","
                                + "\"fear_greed_index\",\"gas_price_gwei\","
                                + "\"active_addresses_eth\"]}");
        Map<String, Object> coldBar = indicators.get("market_indicators:BTC-USD:1m:" + T0);
        assertThat(coldBar)
                .containsOnlyKeys(
                        "symbol",
                        "timeframe",
                        "timestamp",
                        "open",
                        "high",
                        "low",
                        "close",
                        "volume",
                        "trade_count")
                .containsEntry("timestamp", "2024-01-15T10:00:00.000000Z")
                .containsEntry("trade_count", 10L);
        Map<String, Object> warmBar =
                indicators.get("market_indicators:ETH-USD:1h:" + (T0 + 39 * 3_600_000L));
        // Every column but EMA 200, which needs 200 bars.
        assertThat(warmBar)
                .hasSize(MarketBarRows.COLUMNS.size() - 1)
                .doesNotContainKey("ema_200")
                .containsEntry("trend_direction", "up")
                .containsEntry("volatility_regime", "low");

        // A replay (another order, other batches) sends every insert id again: BigQuery drops
        // the copies, so the table is unchanged.
        List<MarketSnapshot> shuffledSnapshots = new ArrayList<>(snapshots);
        List<MarketBar> shuffledBars = new ArrayList<>(bars);
        Collections.shuffle(shuffledSnapshots, new Random(7));
        Collections.shuffle(shuffledBars, new Random(11));
        run(shuffledSnapshots, shuffledBars, "none", 1);

        assertThat(server.arrivals(MarketSnapshotRows.TABLE)).isEqualTo(2 * snapshots.size());
        assertThat(server.arrivals(MarketBarRows.TABLE)).isEqualTo(2 * bars.size());
        assertThat(server.rowsById(MarketSnapshotRows.TABLE)).isEqualTo(marketData);
        assertThat(server.rowsById(MarketBarRows.TABLE)).isEqualTo(indicators);
    }

    @Test
    void transientFailuresAreRetriedWithoutLosingOrDuplicatingARow() throws Exception {
        List<MarketSnapshot> snapshots = snapshots();
        List<MarketBar> bars = bars();
        server.failNextRequests(2, 503);
        server.failNextRequests(1, 429);
        // Per-row errors: BigQuery then inserts none of the request's rows ("stopped").
        server.failNextRequestsWithRowErrors(
                2, "backendError", id -> id.startsWith("market_indicators:BTC-USD:"), true);

        // No restart allowed: the writers' own retries must absorb every failure.
        JobID job = run(snapshots, bars, "none", 5);

        assertThat(server.rowsById(MarketSnapshotRows.TABLE))
                .isEqualTo(expectedSnapshotRows(snapshots));
        assertThat(server.rowsById(MarketBarRows.TABLE)).isEqualTo(expectedBarRows(bars));
        // Failed requests inserted nothing, so every row arrived exactly once.
        assertThat(server.arrivals(MarketSnapshotRows.TABLE)).isEqualTo(snapshots.size());
        assertThat(server.arrivals(MarketBarRows.TABLE)).isEqualTo(bars.size());
        assertThat(counter(job, BigQuerySink.INSERT_RETRIES_METRIC)).isEqualTo(5);
        assertThat(counter(job, BigQuerySink.ROWS_INSERTED_METRIC))
                .isEqualTo(snapshots.size() + bars.size());
        long successfulRequests = server.requestCount() - 5;
        assertThat(successfulRequests)
                .isGreaterThanOrEqualTo(
                        (long) Math.ceil(snapshots.size() / (double) BATCH)
                                + (long) Math.ceil(bars.size() / (double) BATCH));
    }

    @Test
    void exhaustedRetriesRestartTheJobAndTheReplayIsDeduplicated() throws Exception {
        List<MarketSnapshot> snapshots = snapshots();
        List<MarketBar> bars = bars();
        // Four writers, two attempts each: among the first five requests one writer meets two
        // failures in a row, gives up, and the job restarts from its last checkpoint.
        server.failNextRequests(5, 503);

        JobID job = run(snapshots, bars, "fixed-delay", 2);

        assertThat(restarts(job)).isGreaterThanOrEqualTo(1);
        assertThat(server.rowsById(MarketSnapshotRows.TABLE))
                .isEqualTo(expectedSnapshotRows(snapshots));
        assertThat(server.rowsById(MarketBarRows.TABLE)).isEqualTo(expectedBarRows(bars));
        assertThat(server.requestCount()).isGreaterThan(5);
    }

    /** Runs one job: both streams through their sinks, checkpointing every 100 ms. */
    private JobID run(
            List<MarketSnapshot> snapshots,
            List<MarketBar> bars,
            String restartStrategy,
            int maxAttempts)
            throws Exception {
        Configuration config = new Configuration();
        config.setString("restart-strategy.type", restartStrategy);
        config.setString("restart-strategy.fixed-delay.attempts", "5");
        config.setString("restart-strategy.fixed-delay.delay", "100 ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(MiniClusters.PARALLELISM);
        // Checkpoints while rows flow: each one flushes the writers (flush(false)).
        env.enableCheckpointing(100);

        BigQueryEndpoint endpoint =
                server.endpoint("athena-local", "athena_agent").withClientMaxAttempts(1);
        TypeInformation<MarketSnapshot> snapshotType = TypeInformation.of(MarketSnapshot.class);
        TypeInformation<MarketBar> barType = TypeInformation.of(MarketBar.class);

        env.fromData(snapshots, snapshotType)
                .uid("bq-it-snapshots")
                .name("snapshots")
                .map(new Throttle<>(), snapshotType)
                .uid("bq-it-snapshots-throttle")
                .name("throttle snapshots")
                .sinkTo(sink(endpoint, new MarketSnapshotRows(), maxAttempts))
                .uid("bq-it-market-data")
                .name("bigquery market_data");
        env.fromData(bars, barType)
                .uid("bq-it-bars")
                .name("bars")
                .map(new Throttle<>(), barType)
                .uid("bq-it-bars-throttle")
                .name("throttle bars")
                .sinkTo(sink(endpoint, new MarketBarRows(), maxAttempts))
                .uid("bq-it-market-indicators")
                .name("bigquery market_indicators");
        return env.execute("bigquery-sink-it").getJobID();
    }

    private static <T> BigQuerySink<T> sink(
            BigQueryEndpoint endpoint, BigQueryRowMapper<T> mapper, int maxAttempts) {
        return BigQuerySink.builder(endpoint, mapper)
                .maxBatchRows(BATCH)
                .maxAttempts(maxAttempts)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build();
    }

    /** Spreads a bounded input over a few checkpoints, so that flushes happen mid-stream. */
    private static final class Throttle<T> implements MapFunction<T, T> {
        @Override
        public T map(T value) throws Exception {
            Thread.sleep(3);
            return value;
        }
    }

    /**
     * Sixty 15-minute snapshots of "coingecko" (the first is seed 001's sample row) and every third
     * one also from "coinmarketcap"; every fourth lacks some measures.
     */
    private static List<MarketSnapshot> snapshots() {
        List<MarketSnapshot> result = new ArrayList<>();
        for (int i = 0; i < SNAPSHOTS; i++) {
            MarketSnapshot s = new MarketSnapshot();
            s.timestamp = T0 + i * QUARTER_HOUR;
            s.btcPrice = 42500.50 - i * 12.25;
            s.ethPrice = 2450.75 + i * 0.5;
            s.btc24hChange = -2.5 + i * 0.01;
            s.eth24hChange = -3.2;
            s.btcMarketCap = 830000000000.0 - i * 1e9;
            s.ethMarketCap = 295000000000.0;
            s.totalMarketCap = 1650000000000.0;
            s.defiTvl = 52000000000.0;
            s.fearGreedIndex = 45 - (i % 10);
            s.gasPriceGwei = 35.5 + i;
            s.activeAddressesBtc = 425000L + i;
            s.activeAddressesEth = 1250000L;
            s.dataSource = "coingecko";
            if (i % 4 == 1) {
                s.defiTvl = null;
                s.gasPriceGwei = Double.NaN;
                s.activeAddressesEth = null;
                s.fearGreedIndex = null;
            }
            result.add(s);
            if (i % 3 == 0) {
                MarketSnapshot other = copy(s);
                other.dataSource = "coinmarketcap";
                other.btcPrice = s.btcPrice + 3.0;
                result.add(other);
            }
        }
        return result;
    }

    private static MarketSnapshot copy(MarketSnapshot s) {
        MarketSnapshot c = new MarketSnapshot();
        c.timestamp = s.timestamp;
        c.btcPrice = s.btcPrice;
        c.ethPrice = s.ethPrice;
        c.btc24hChange = s.btc24hChange;
        c.eth24hChange = s.eth24hChange;
        c.btcMarketCap = s.btcMarketCap;
        c.ethMarketCap = s.ethMarketCap;
        c.totalMarketCap = s.totalMarketCap;
        c.defiTvl = s.defiTvl;
        c.fearGreedIndex = s.fearGreedIndex;
        c.gasPriceGwei = s.gasPriceGwei;
        c.activeAddressesBtc = s.activeAddressesBtc;
        c.activeAddressesEth = s.activeAddressesEth;
        c.dataSource = s.dataSource;
        return c;
    }

    /**
     * Bars of two symbols in two timeframes; indicators warm up one after another (EMA 9 at bar 8,
     * RSI at 14, ATR and the volatility regime at 14, EMA 21 at 20, trend at 30), EMA 200 never.
     */
    private static List<MarketBar> bars() {
        List<MarketBar> result = new ArrayList<>();
        TrendDirection[] trends = TrendDirection.values();
        VolatilityRegime[] regimes = VolatilityRegime.values();
        for (String symbol : List.of("BTC-USD", "ETH-USD")) {
            for (String timeframe : List.of("1m", "1h")) {
                long step = timeframe.equals("1m") ? 60_000L : 3_600_000L;
                double base = symbol.equals("BTC-USD") ? 42_000 : 2_450;
                for (int i = 0; i < BARS_PER_SERIES; i++) {
                    double close = base + i * 1.5;
                    Bar bar =
                            new Bar(
                                    symbol,
                                    timeframe,
                                    T0 + i * step,
                                    close - 1,
                                    close + 2,
                                    close - 3,
                                    close,
                                    0.25 * (i + 1),
                                    10 + i);
                    IndicatorValues v = new IndicatorValues();
                    if (i >= 8) {
                        v.ema9 = close - 0.5;
                    }
                    if (i >= 14) {
                        v.rsi14 = 50 + i * 0.5;
                        v.atr14 = 4.5 + i * 0.01;
                        v.volatilityRegime = regimes[i % regimes.length];
                    }
                    if (i >= 20) {
                        v.ema21 = close - 1.5;
                        v.bbUpper = close + 10;
                        v.bbMiddle = close;
                        v.bbLower = close - 10;
                    }
                    if (i >= 30) {
                        v.ema50 = close - 3.5;
                        v.macd = 1.25;
                        v.macdSignal = 1.0;
                        v.macdHistogram = 0.25;
                        v.trendDirection = trends[i % trends.length];
                    }
                    result.add(new MarketBar(bar, v));
                }
            }
        }
        return result;
    }

    /** What BigQuery receives for each snapshot, written out independently of the mapper. */
    private static Map<String, Map<String, Object>> expectedSnapshotRows(
            List<MarketSnapshot> snapshots) {
        Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
        for (MarketSnapshot s : snapshots) {
            Map<String, Object> row = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            row.put("timestamp", MICROS.format(Instant.ofEpochMilli(s.timestamp)));
            putOrMissing(row, missing, "btc_price", s.btcPrice);
            putOrMissing(row, missing, "eth_price", s.ethPrice);
            putOrMissing(row, missing, "btc_24h_change", s.btc24hChange);
            putOrMissing(row, missing, "eth_24h_change", s.eth24hChange);
            putOrMissing(row, missing, "btc_market_cap", s.btcMarketCap);
            putOrMissing(row, missing, "eth_market_cap", s.ethMarketCap);
            putOrMissing(row, missing, "total_market_cap", s.totalMarketCap);
            putOrMissing(row, missing, "defi_tvl", s.defiTvl);
            putOrMissing(
                    row,
                    missing,
                    "fear_greed_index",
                    s.fearGreedIndex == null ? null : s.fearGreedIndex.longValue());
            putOrMissing(row, missing, "gas_price_gwei", s.gasPriceGwei);
            putOrMissing(row, missing, "active_addresses_btc", s.activeAddressesBtc);
            putOrMissing(row, missing, "active_addresses_eth", s.activeAddressesEth);
            row.put("data_source", s.dataSource);
            StringBuilder metadata =
                    new StringBuilder("{\"pipeline\":\"athena-flink/market\",\"missing_fields\":[");
            for (int i = 0; i < missing.size(); i++) {
                metadata.append(i == 0 ? "" : ",").append('"').append(missing.get(i)).append('"');
            }
            row.put("collection_metadata", metadata.append("]}").toString());
            expected.put("market_data:" + s.dataSource + ":" + s.timestamp, row);
        }
        return expected;
    }

    private static void putOrMissing(
            Map<String, Object> row, List<String> missing, String column, Object value) {
        if (value == null || (value instanceof Double && ((Double) value).isNaN())) {
            missing.add(column);
        } else {
            row.put(column, value);
        }
    }

    /** What BigQuery receives for each bar: NaN indicators and null labels are not sent. */
    private static Map<String, Map<String, Object>> expectedBarRows(List<MarketBar> bars) {
        Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
        for (MarketBar m : bars) {
            Bar b = m.bar;
            IndicatorValues v = m.indicators;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("symbol", b.symbol);
            row.put("timeframe", b.timeframe);
            row.put("timestamp", MICROS.format(Instant.ofEpochMilli(b.openTime)));
            row.put("open", b.open);
            row.put("high", b.high);
            row.put("low", b.low);
            row.put("close", b.close);
            row.put("volume", b.volume);
            row.put("trade_count", b.tradeCount);
            putIfNumber(row, "ema_9", v.ema9);
            putIfNumber(row, "ema_21", v.ema21);
            putIfNumber(row, "ema_50", v.ema50);
            putIfNumber(row, "ema_200", v.ema200);
            putIfNumber(row, "rsi_14", v.rsi14);
            putIfNumber(row, "macd", v.macd);
            putIfNumber(row, "macd_signal", v.macdSignal);
            putIfNumber(row, "macd_histogram", v.macdHistogram);
            putIfNumber(row, "bb_upper", v.bbUpper);
            putIfNumber(row, "bb_middle", v.bbMiddle);
            putIfNumber(row, "bb_lower", v.bbLower);
            putIfNumber(row, "atr_14", v.atr14);
            if (v.trendDirection != null) {
                row.put("trend_direction", v.trendDirection.name().toLowerCase());
            }
            if (v.volatilityRegime != null) {
                row.put("volatility_regime", v.volatilityRegime.name().toLowerCase());
            }
            expected.put(
                    "market_indicators:" + b.symbol + ":" + b.timeframe + ":" + b.openTime, row);
        }
        return expected;
    }

    private static void putIfNumber(Map<String, Object> row, String column, double value) {
        if (!Double.isNaN(value)) {
            row.put(column, value);
        }
    }

    /** How often the job restarted, from the JobManager's {@code numRestarts} gauge. */
    private static long restarts(JobID job) {
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                REPORTER.getMetricsByGroup().entrySet()) {
            Metric metric = group.getValue().get("numRestarts");
            if (metric instanceof Gauge
                    && job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))) {
                return ((Number) ((Gauge<?>) metric).getValue()).longValue();
            }
        }
        throw new AssertionError("no numRestarts gauge for " + job);
    }

    /** The sum over all writers of both sinks of a counter. */
    private static long counter(JobID job, String name) {
        // By group: identifiers collide when a task and its only operator share a name.
        long sum = 0;
        int found = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                REPORTER.getMetricsByGroup().entrySet()) {
            if (!job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))) {
                continue;
            }
            Metric metric = group.getValue().get(name);
            if (metric instanceof Counter) {
                sum += ((Counter) metric).getCount();
                found++;
            }
        }
        assertThat(found).as("writers reporting " + name).isEqualTo(2 * MiniClusters.PARALLELISM);
        return sum;
    }
}
