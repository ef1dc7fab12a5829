package com.athena.jobs.market;

import com.athena.common.market.OhlcvAccumulator;
import com.athena.common.market.OpenBar;
import com.athena.common.market.OpenBars;
import com.athena.common.market.Timeframe;
import com.athena.common.market.TradeBars;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.functions.WindowReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Converts a savepoint of the market job's former graph (a de-duplication operator, then one
 * event-time window operator per timeframe) into one for the current graph (one keyed step per
 * trade, {@link TradeBarsFunction}), with the State Processor API: {@code bin/state migrate market
 * --from SAVEPOINT --to DIR}.
 *
 * <p>It reads the open windows of {@code bars-<tf>} (their aggregated {@link OhlcvAccumulator},
 * namespace = the window) and the de-duplication's ids with its registered clean-up timers, and
 * writes per symbol one {@link OpenBars} (every open window as an open bar, the clean-up timers as
 * clean-up points), the ids (keyed by trade id alone, as before, and marked {@link
 * OpenBars#legacyIds}: they match a repeat from any source until they expire) and the one timer at
 * the next close. Every other operator keeps its uid and state as they are (the indicators, the
 * market view, the sources); the former operators are removed.
 *
 * <p>The written savepoint refers to the unchanged operators' files in the source savepoint: keep
 * that until the migrated job has taken a savepoint or checkpoint of its own.
 */
public final class MarketMigration {

    /** What a migration found and wrote. */
    public record Result(int symbols, int openBars, int ids, List<String> removedUids) {}

    private MarketMigration() {}

    /** Migrates the savepoint at {@code from} into a new savepoint directory {@code to}. */
    public static Result migrate(String from, String to) throws Exception {
        Set<OperatorID> present = new HashSet<>();
        for (OperatorState op : SavepointLoader.loadSavepointMetadata(from).getOperatorStates()) {
            present.add(op.getOperatorID());
        }
        if (present.contains(id(MarketNames.TRADE_BARS).getOperatorId())) {
            throw new IllegalArgumentException(
                    from
                            + " already has the state of "
                            + MarketNames.TRADE_BARS
                            + ": it was taken by the current graph, restore it directly");
        }
        List<Timeframe> windows = new ArrayList<>();
        for (Timeframe tf : Timeframe.values()) {
            if (present.contains(id(MarketNames.bars(tf)).getOperatorId())) {
                windows.add(tf);
            }
        }
        boolean dedup = present.contains(id(MarketNames.DEDUP_TRADES).getOperatorId());
        if (windows.isEmpty() && !dedup) {
            throw new IllegalArgumentException(
                    from
                            + " has no state of the former market graph (uids "
                            + MarketNames.DEDUP_TRADES
                            + ", bars-<timeframe>): nothing to migrate");
        }

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(1);
        // RocksDB reads canonical savepoints and RocksDB's own (incremental) checkpoints alike.
        SavepointReader reader = SavepointReader.read(env, from, new EmbeddedRocksDBStateBackend());

        Map<String, OpenBars> states = new TreeMap<>();
        Map<String, List<OldId>> ids = new TreeMap<>();
        int openBars = 0;
        for (Timeframe tf : windows) {
            DataStream<OldWindow> contents =
                    reader.window(TumblingEventTimeWindows.of(Duration.ofMillis(tf.millis())))
                            .aggregate(
                                    MarketNames.bars(tf),
                                    new TradeBarAggregate(),
                                    new WindowRows(tf),
                                    Types.STRING,
                                    TypeInformation.of(OhlcvAccumulator.class),
                                    TypeInformation.of(OldWindow.class));
            for (OldWindow w : collect(contents)) {
                OpenBar bar =
                        TradeBars.openBar(
                                states.computeIfAbsent(w.symbol, s -> new OpenBars()),
                                w.timeframe,
                                w.start);
                // Into an empty accumulator merge copies every field: the same bits.
                bar.merge(w.acc);
                openBars++;
            }
        }
        int idCount = 0;
        if (dedup) {
            DataStream<OldId> seen =
                    reader.readKeyedState(
                            id(MarketNames.DEDUP_TRADES),
                            new SeenRows(),
                            Types.STRING,
                            TypeInformation.of(OldId.class));
            for (OldId row : collect(seen)) {
                OpenBars state = states.computeIfAbsent(row.symbol, s -> new OpenBars());
                if (row.tradeId == null) {
                    TradeBars.addCleanup(state, row.ts);
                } else {
                    state.legacyIds = true;
                    ids.computeIfAbsent(row.symbol, s -> new ArrayList<>()).add(row);
                    idCount++;
                }
            }
        }

        List<MigratedSymbol> migrated = new ArrayList<>();
        states.forEach(
                (symbol, state) -> {
                    if (state.isEmpty()) {
                        return;
                    }
                    List<OldId> rows = ids.getOrDefault(symbol, List.of());
                    MigratedSymbol m = new MigratedSymbol();
                    m.symbol = symbol;
                    m.state = state;
                    m.ids = new String[rows.size()];
                    m.times = new long[rows.size()];
                    for (int i = 0; i < rows.size(); i++) {
                        m.ids[i] = rows.get(i).tradeId;
                        m.times[i] = rows.get(i).ts;
                    }
                    migrated.add(m);
                });

        SavepointWriter writer =
                SavepointWriter.fromExistingSavepoint(env, from, new EmbeddedRocksDBStateBackend());
        List<String> removed = new ArrayList<>();
        if (dedup) {
            removed.add(MarketNames.DEDUP_TRADES);
        }
        for (Timeframe tf : windows) {
            removed.add(MarketNames.bars(tf));
        }
        for (String uid : removed) {
            writer.removeOperator(id(uid));
        }
        if (!migrated.isEmpty()) {
            StateBootstrapTransformation<MigratedSymbol> transformation =
                    OperatorTransformation.bootstrapWith(
                                    env.fromData(
                                            migrated, TypeInformation.of(MigratedSymbol.class)))
                            .keyBy(m -> m.symbol, Types.STRING)
                            .transform(new Bootstrap());
            writer.withOperator(id(MarketNames.TRADE_BARS), transformation);
        }
        writer.write(to);
        env.execute("athena-market-migrate");
        return new Result(migrated.size(), openBars, idCount, removed);
    }

    private static OperatorIdentifier id(String uid) {
        return OperatorIdentifier.forUid(uid);
    }

    private static <T> List<T> collect(DataStream<T> stream) throws Exception {
        List<T> rows = new ArrayList<>();
        try (CloseableIterator<T> it = stream.executeAndCollect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    /** One open window of the former graph. */
    public static class OldWindow {
        public String symbol;
        public Timeframe timeframe;
        public long start;
        public OhlcvAccumulator acc;

        public OldWindow() {}
    }

    /** A trade id of the former de-duplication, or (id null) one of its clean-up timers. */
    public static class OldId {
        public String symbol;
        public String tradeId;
        public long ts;

        public OldId() {}
    }

    /** The new operator's state of one symbol, as the bootstrap writes it. */
    public static class MigratedSymbol {
        public String symbol;
        public OpenBars state;
        public String[] ids;
        public long[] times;

        public MigratedSymbol() {}
    }

    /** Every open window (a window in state has not fired: its timer is still registered). */
    static final class WindowRows
            extends WindowReaderFunction<OhlcvAccumulator, OldWindow, String, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private final Timeframe timeframe;

        WindowRows(Timeframe timeframe) {
            this.timeframe = timeframe;
        }

        @Override
        public void readWindow(
                String symbol,
                Context<TimeWindow> ctx,
                Iterable<OhlcvAccumulator> contents,
                Collector<OldWindow> out) {
            for (OhlcvAccumulator acc : contents) {
                if (acc.isEmpty()) {
                    continue;
                }
                OldWindow w = new OldWindow();
                w.symbol = symbol;
                w.timeframe = timeframe;
                w.start = ctx.window().getStart();
                w.acc = acc;
                out.collect(w);
            }
        }
    }

    /**
     * The ids of the former de-duplication and its pending clean-up timers (the timers of a symbol
     * whose ids are all gone are not visited: they would only have cleaned an empty map).
     */
    static final class SeenRows extends KeyedStateReaderFunction<String, OldId> {
        private static final long serialVersionUID = 1L;
        private transient MapState<String, Long> seen;

        @Override
        public void open(Configuration parameters) {
            seen = getRuntimeContext().getMapState(MarketState.SEEN_TRADES);
        }

        @Override
        public void readKey(String symbol, Context ctx, Collector<OldId> out) throws Exception {
            for (Map.Entry<String, Long> e : seen.entries()) {
                OldId row = new OldId();
                row.symbol = symbol;
                row.tradeId = e.getKey();
                row.ts = e.getValue();
                out.collect(row);
            }
            for (long timer : ctx.registeredEventTimeTimers()) {
                OldId row = new OldId();
                row.symbol = symbol;
                row.ts = timer;
                out.collect(row);
            }
        }
    }

    /** Writes one symbol's state and its one timer, as {@link TradeBarsFunction} keeps them. */
    static final class Bootstrap extends KeyedStateBootstrapFunction<String, MigratedSymbol> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<OpenBars> state;
        private transient MapState<String, Long> ids;

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(MarketState.OPEN_BARS);
            ids = getRuntimeContext().getMapState(MarketState.TRADE_IDS);
        }

        @Override
        public void processElement(MigratedSymbol m, Context ctx) throws Exception {
            state.update(m.state);
            for (int i = 0; i < m.ids.length; i++) {
                ids.put(m.ids[i], m.times[i]);
            }
            ctx.timerService().registerEventTimeTimer(m.state.nextTimer());
        }
    }
}
