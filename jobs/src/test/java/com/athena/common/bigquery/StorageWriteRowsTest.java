package com.athena.common.bigquery;

import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.TrendDirection;
import com.athena.common.indicators.VolatilityRegime;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.jobs.market.MarketBarRows;
import com.athena.jobs.market.MarketSnapshotRows;
import com.athena.jobs.treasury.TreasuryRows;
import com.athena.testing.LocalBigQueryWriteServer;

import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import com.google.cloud.bigquery.storage.v1.TableFieldSchema;
import com.google.cloud.bigquery.storage.v1.TableSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jobs' three row mappers serve the Storage Write sink too: their rows, converted by Google's
 * client against the schemas of {@code sql/bigquery}, arrive in the four tables with every value as
 * the mapper gave it (TIMESTAMP as microseconds, NULL columns absent).
 */
class StorageWriteRowsTest {
    private static final String PROJECT = "athena-local";
    private static final String DATASET = "athena_agent";
    private static final Path DDL = Path.of("..", "sql", "bigquery");
    private static final long T0 = Instant.parse("2024-01-15T10:00:00Z").toEpochMilli();

    private LocalBigQueryWriteServer server;

    @BeforeEach
    void start() throws Exception {
        server = LocalBigQueryWriteServer.start();
        server.defineTablesFromDdl(
                PROJECT,
                DATASET,
                DDL,
                MarketBarRows.TABLE,
                MarketSnapshotRows.TABLE,
                TreasuryRows.SNAPSHOTS_TABLE,
                TreasuryRows.COSTS_TABLE);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Writes the elements through a writer, one checkpoint, and its commit. */
    private <T> void writeAndCommit(BigQueryRowMapper<T> mapper, List<T> elements)
            throws Exception {
        StorageWriteEndpoint endpoint = server.endpoint(PROJECT, DATASET);
        StorageWriteSink.Backoff backoff =
                new StorageWriteSink.Backoff(3, Duration.ofMillis(10), Duration.ofMillis(50));
        try (StorageWriteSinkWriter<T> writer =
                        new StorageWriteSinkWriter<>(
                                endpoint,
                                mapper,
                                7,
                                backoff,
                                Duration.ofSeconds(1),
                                UnregisteredMetricsGroup.createSinkWriterMetricGroup());
                StorageWriteCommitter committer = new StorageWriteCommitter(endpoint, backoff)) {
            for (T e : elements) {
                writer.write(e, CONTEXT);
            }
            writer.flush(false);
            List<CommitRequest<StorageWriteCommittable>> requests = new ArrayList<>();
            for (StorageWriteCommittable c : writer.prepareCommit()) {
                requests.add(new Request(c));
            }
            committer.commit(requests);
        }
    }

    /** The mapper's row as the table stores it: TIMESTAMP in microseconds, INT64 as long. */
    private static Map<String, Object> stored(Map<String, Object> row, TableSchema schema) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (TableFieldSchema f : schema.getFieldsList()) {
            Object v = row.get(f.getName());
            if (v == null) {
                continue;
            }
            if (f.getType() == TableFieldSchema.Type.TIMESTAMP) {
                Instant t = Instant.parse((String) v);
                v = ChronoUnit.MICROS.between(Instant.EPOCH, t);
            } else if (f.getType() == TableFieldSchema.Type.INT64) {
                v = ((Number) v).longValue();
            }
            out.put(f.getName(), v);
        }
        return out;
    }

    private <T> void assertStored(String table, BigQueryRowMapper<T> mapper, List<T> elements)
            throws Exception {
        TableSchema schema =
                LocalBigQueryWriteServer.parseDdl(
                        Files.readString(DDL.resolve(table + ".sql"), StandardCharsets.UTF_8));
        List<Map<String, Object>> expected = new ArrayList<>();
        for (T e : elements) {
            assertThat(mapper.table(e)).isEqualTo(table);
            expected.add(stored(mapper.row(e), schema));
        }
        assertThat(server.committedRows(table)).containsExactlyElementsOf(expected);
    }

    @Test
    void marketIndicators() throws Exception {
        List<MarketBar> bars = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            double close = 42_000 + i * 1.5;
            Bar bar =
                    new Bar(
                            "BTC-USD",
                            "1m",
                            T0 + i * 60_000L,
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
                v.atr14 = 4.5;
                v.volatilityRegime = VolatilityRegime.values()[i % 3];
            }
            if (i >= 30) {
                v.ema50 = close - 3.5;
                v.trendDirection = TrendDirection.values()[i % 3];
            }
            bars.add(new MarketBar(bar, i == 0 ? null : v));
        }
        writeAndCommit(new MarketBarRows(), bars);
        assertStored(MarketBarRows.TABLE, new MarketBarRows(), bars);
    }

    @Test
    void marketData() throws Exception {
        List<MarketSnapshot> snapshots = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            MarketSnapshot s = new MarketSnapshot();
            s.timestamp = T0 + i * 900_000L;
            s.btcPrice = 42500.50 - i;
            s.ethPrice = 2450.75;
            s.btc24hChange = -2.5;
            s.eth24hChange = -3.2;
            s.btcMarketCap = 830000000000.0;
            s.ethMarketCap = 295000000000.0;
            s.totalMarketCap = 1650000000000.0;
            s.defiTvl = i % 4 == 1 ? null : 52000000000.0;
            s.fearGreedIndex = i % 4 == 1 ? null : 45;
            s.gasPriceGwei = i % 4 == 1 ? Double.NaN : 35.5;
            s.activeAddressesBtc = 425000L + i;
            s.activeAddressesEth = i % 4 == 1 ? null : 1250000L;
            s.dataSource = "coingecko";
            snapshots.add(s);
        }
        writeAndCommit(new MarketSnapshotRows(), snapshots);
        assertStored(MarketSnapshotRows.TABLE, new MarketSnapshotRows(), snapshots);
    }

    @Test
    void treasurySnapshotsAndCosts() throws Exception {
        List<TreasurySnapshot> snapshots = new ArrayList<>();
        List<CostRecord> costs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TreasurySnapshot s = new TreasurySnapshot();
            s.agentId = "athena_agent_001";
            s.timestamp = T0 + i * 86_400_000L;
            s.snapshotType = TreasurySnapshot.DAY_CLOSE;
            s.day = "2024-01-" + (15 + i);
            s.balanceUsd = 19.55 - i;
            s.dailyCostUsd = 3.10;
            s.dailyCostCount = 2;
            s.dailyBurnRate = 3.48;
            s.daysUntilBankruptcy = i % 2 == 0 ? Double.NaN : 5.6;
            s.emotionalState = "desperate";
            s.confidenceLevel = 0.5;
            s.riskTolerance = 0.1;
            s.survivalModeActive = i % 2 == 0;
            s.trigger = "day_close:" + s.day;
            s.transitions = new String[] {"cost_saving_mode:true->false"};
            s.sequence = i;
            snapshots.add(s);

            CostRecord c = new CostRecord();
            c.agentId = "athena_agent_001";
            c.eventId = "evt-" + i;
            c.timestamp = T0 + i * 60_000L;
            c.day = "2024-01-15";
            c.costType = "llm_cost";
            c.operation = i % 3 == 0 ? null : "llm_call";
            c.model = "gpt";
            c.inputTokens = i % 3 == 0 ? null : 1500L;
            c.outputTokens = 200L;
            c.amount = 0.0075 * i;
            c.dailyTotal = 1.25;
            costs.add(c);
        }
        writeAndCommit(new TreasuryRows.Snapshots(), snapshots);
        writeAndCommit(new TreasuryRows.Costs(), costs);
        assertStored(TreasuryRows.SNAPSHOTS_TABLE, new TreasuryRows.Snapshots(), snapshots);
        assertStored(TreasuryRows.COSTS_TABLE, new TreasuryRows.Costs(), costs);
    }

    private static final SinkWriter.Context CONTEXT =
            new SinkWriter.Context() {
                @Override
                public long currentWatermark() {
                    return Long.MIN_VALUE;
                }

                @Override
                public Long timestamp() {
                    return null;
                }
            };

    private static final class Request implements CommitRequest<StorageWriteCommittable> {
        private final StorageWriteCommittable committable;

        Request(StorageWriteCommittable committable) {
            this.committable = committable;
        }

        @Override
        public StorageWriteCommittable getCommittable() {
            return committable;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            throw new AssertionError(t);
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            throw new AssertionError(t);
        }

        @Override
        public void retryLater() {
            throw new AssertionError("retry later");
        }

        @Override
        public void updateAndRetryLater(StorageWriteCommittable c) {
            throw new AssertionError("retry later");
        }

        @Override
        public void signalAlreadyCommitted() {
            throw new AssertionError("already committed");
        }
    }
}
