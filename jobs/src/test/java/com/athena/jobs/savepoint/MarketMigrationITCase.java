package com.athena.jobs.savepoint;

import com.athena.common.market.Bar;
import com.athena.common.market.OhlcvAccumulator;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.common.market.TradeBars;
import com.athena.jobs.market.MarketMigration;
import com.athena.jobs.market.MarketNames;
import com.athena.jobs.market.MarketState;
import com.athena.jobs.market.TradeBarAggregate;
import com.athena.testing.MiniClusters;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import static com.athena.jobs.savepoint.MarketSavepointITCase.BTC;
import static com.athena.jobs.savepoint.MarketSavepointITCase.FIXTURE_V1;
import static com.athena.jobs.savepoint.MarketSavepointITCase.Run;
import static com.athena.jobs.savepoint.MarketSavepointITCase.continuesLikeAnUninterruptedRun;
import static com.athena.jobs.savepoint.MarketSavepointITCase.fixtureSavepoint;
import static com.athena.jobs.savepoint.MarketSavepointITCase.trade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The upgrade from the former market graph (de-duplication and five window operators; the committed
 * {@code market-v1} savepoint) to one keyed step per trade: {@link MarketMigration} ({@code
 * bin/state migrate market}) converts the open windows, de-duplication ids and timers, the restored
 * job continues exactly like an uninterrupted run, and without the migration the restore is refused
 * rather than silently dropping the open bars.
 */
class MarketMigrationITCase {

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.extension();

    @Test
    void theFormerGraphsSavepointContinuesLikeAnUninterruptedRunAfterTheMigration(@TempDir Path dir)
            throws Exception {
        String migrated = dir.resolve("migrated").toUri().toString();
        MarketMigration.Result result =
                MarketMigration.migrate(fixtureSavepoint(FIXTURE_V1), migrated);

        assertThat(result.symbols()).isEqualTo(2);
        assertThat(result.openBars())
                .as("open bars of both symbols, every timeframe")
                .isGreaterThan(8);
        // v1 was taken before the de-duplication existed: windows only (the de-duplication's
        // ids and timers are covered by MarketMigrationTest).
        assertThat(result.ids()).isZero();
        assertThat(result.removedUids())
                .containsExactly("bars-1m", "bars-5m", "bars-15m", "bars-1h", "bars-1d");
        continuesLikeAnUninterruptedRun(migrated, FIXTURE_V1, "migrated-");
    }

    @Test
    void withoutTheMigrationTheFormerGraphsSavepointIsRefused() throws Exception {
        Run run = new Run("v1-unmigrated");
        StreamExecutionEnvironment env = run.env(List.of(), List.of(), false);
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(
                SavepointRestoreSettings.forPath(fixtureSavepoint(FIXTURE_V1), false));
        assertThatThrownBy(() -> env.execute(graph))
                .hasStackTraceContaining("Cannot map checkpoint/savepoint state for operator")
                .hasStackTraceContaining("allowNonRestoredState");
    }

    @Test
    void aSavepointOfTheCurrentGraphNeedsNoMigration(@TempDir Path dir) {
        assertThatThrownBy(
                        () ->
                                MarketMigration.migrate(
                                        fixtureSavepoint(), dir.resolve("x").toUri().toString()))
                .hasMessageContaining("restore it directly");
    }

    @Test
    void deduplicationIdsAndTheirTimersSurviveTheMigration(@TempDir Path dir) throws Exception {
        // A savepoint of the former graph with the de-duplication's state, written with the State
        // Processor API as the former operators kept it (v1 predates the de-duplication): BTC's
        // open 1m window with trades 1 and 2, their ids and clean-up timers.
        long t0 = Instant.parse("2013-11-25T00:00:00Z").toEpochMilli();
        List<Trade> before =
                List.of(
                        new Trade(BTC, t0 + 1_000, 100, 1, "1", "fixture"),
                        new Trade(BTC, t0 + 2_000, 101, 2, "2", "fixture"));
        String old = dir.resolve("old").toUri().toString();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<Trade> trades =
                env.fromData(before, TypeInformation.of(Trade.class))
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<Trade>noWatermarks()
                                        .withTimestampAssigner((t, previous) -> t.ts));
        SavepointWriter.newSavepoint(env, new EmbeddedRocksDBStateBackend(), 128)
                .withOperator(
                        OperatorIdentifier.forUid(MarketNames.DEDUP_TRADES),
                        OperatorTransformation.bootstrapWith(trades)
                                .keyBy(t -> t.symbol, Types.STRING)
                                .transform(new OldDeduplication()))
                .withOperator(
                        OperatorIdentifier.forUid(MarketNames.bars(Timeframe.M1)),
                        OperatorTransformation.bootstrapWith(trades)
                                .keyBy(t -> t.symbol, Types.STRING)
                                .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
                                .aggregate(
                                        new TradeBarAggregate(),
                                        TypeInformation.of(OhlcvAccumulator.class)))
                .write(old);
        env.execute("old-graph-savepoint");

        String migrated = dir.resolve("migrated").toUri().toString();
        MarketMigration.Result result = MarketMigration.migrate(old, migrated);
        assertThat(result.ids()).isEqualTo(2);
        assertThat(result.openBars()).isEqualTo(1);
        assertThat(result.removedUids()).containsExactly(MarketNames.DEDUP_TRADES, "bars-1m");

        // After the restore: a repeat of trade 1 (within the horizon; the migrated ids match it
        // whatever its source), a new trade in the open minute and one that moves time on.
        Run run = new Run("dedup-migrated");
        StreamExecutionEnvironment restored =
                run.env(
                        List.of(
                                trade(BTC, t0 + 1_000, 100, 1, 1),
                                trade(BTC, t0 + 4_000, 102, 4, 3),
                                trade(BTC, t0 + 200_000, 99, 1, 4)),
                        List.of(),
                        false);
        StreamGraph graph = restored.getStreamGraph();
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(migrated, false));
        restored.execute(graph);

        assertThat(
                        run.bars().stream()
                                .map(r -> r.bar)
                                .filter(b -> b.timeframe.equals("1m"))
                                .sorted(Comparator.comparingLong(b -> b.openTime))
                                .toList())
                .containsExactly(
                        new Bar(BTC, "1m", t0, 100, 102, 100, 102, 7, 3),
                        new Bar(BTC, "1m", t0 + 180_000, 99, 99, 99, 99, 1, 1));
        assertThat(run.deadLetters())
                .extracting(d -> d.source + " " + d.origin)
                .containsExactly(MarketNames.DLQ_DUPLICATE_TRADES + " " + BTC + ":1");
    }

    /** The former de-duplication's state: trade id to time, a clean-up timer per id. */
    static final class OldDeduplication extends KeyedStateBootstrapFunction<String, Trade> {
        private static final long serialVersionUID = 1L;
        private transient MapState<String, Long> seen;

        @Override
        public void open(OpenContext openContext) {
            seen = getRuntimeContext().getMapState(MarketState.SEEN_TRADES);
        }

        @Override
        public void processElement(Trade t, Context ctx) throws Exception {
            seen.put(t.tradeId, t.ts);
            ctx.timerService().registerEventTimeTimer(TradeBars.cleanupPoint(t.ts, 60_000L));
        }
    }
}
