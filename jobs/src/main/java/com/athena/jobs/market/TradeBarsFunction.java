package com.athena.jobs.market;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.LiveKeys;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.market.Bar;
import com.athena.common.market.OpenBars;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.common.market.TradeBars;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The market job's one keyed step per trade, keyed by symbol: de-duplication and the open bar of
 * every timeframe at once ({@link TradeBars}). It loads the symbol's {@link OpenBars}, delegates,
 * saves the state and emits; it keeps exactly one event-time timer per symbol, at {@link
 * OpenBars#nextTimer()} (the next bar close or id clean-up), and no state or timer once nothing is
 * open.
 *
 * <p>State: {@link MarketState#OPEN_BARS} (one value per symbol) and {@link MarketState#TRADE_IDS}
 * (source and trade id to the trade's time). The open bars a symbol's trades and timers use are
 * held in a map between checkpoints and written to state by {@link TradeBarsOperator}, the operator
 * this function runs in, before each checkpoint barrier: per trade, no value read or write but the
 * symbol's first since the last checkpoint, and one map read and write if the trade has an id; a
 * timer is moved only when the next close changes.
 *
 * <p>Dead letters as the former operators wrote them: duplicates ({@value
 * DeduplicateTrades#METRIC_DUPLICATES}) and late trades, one per timeframe the trade is late for
 * ({@value #METRIC_LATE_TRADES}, one counter per timeframe in the metric group {@code
 * timeframe=<label>}).
 *
 * <p>State is bounded without an idle retention: a symbol is cleared once its last bar closed and
 * its ids expired, at most the longest timeframe after its last trade. {@value
 * #METRIC_LIVE_SYMBOLS} counts the symbols with state on the subtask.
 */
public class TradeBarsFunction extends KeyedProcessFunction<String, Trade, Bar> {
    private static final long serialVersionUID = 1L;

    /** Metric name; one counter per timeframe. */
    public static final String METRIC_LATE_TRADES = "lateTrades";

    /** Gauge: the symbols with open bars or ids on the subtask. */
    public static final String METRIC_LIVE_SYMBOLS = "liveSymbols";

    /**
     * The most symbols whose open bars are held between checkpoints (a few MB): at this many, the
     * operator writes them all to state before the next trade.
     */
    static final int MAX_HELD_SYMBOLS = 10_000;

    private final List<Timeframe> timeframes;
    private final long horizonMillis;

    private transient TradeBars logic;
    private transient ValueState<OpenBars> state;
    private transient Map<String, OpenBars> held;
    private transient StateIds ids;
    private transient Counter duplicates;
    private transient Map<Timeframe, Counter> late;
    private transient LiveKeys live;

    public TradeBarsFunction(List<Timeframe> timeframes, Duration dedupHorizon) {
        this.timeframes = List.copyOf(timeframes);
        this.horizonMillis = dedupHorizon.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        logic = new TradeBars(timeframes, horizonMillis);
        state = getRuntimeContext().getState(MarketState.OPEN_BARS);
        held = new HashMap<>();
        ids = new StateIds(getRuntimeContext().getMapState(MarketState.TRADE_IDS));
        duplicates =
                getRuntimeContext().getMetricGroup().counter(DeduplicateTrades.METRIC_DUPLICATES);
        live = new LiveKeys(getRuntimeContext().getMetricGroup(), METRIC_LIVE_SYMBOLS);
        late = new EnumMap<>(Timeframe.class);
        for (Timeframe tf : timeframes) {
            late.put(
                    tf,
                    getRuntimeContext()
                            .getMetricGroup()
                            .addGroup("timeframe", tf.label())
                            .counter(METRIC_LATE_TRADES));
        }
    }

    @Override
    public void processElement(Trade trade, Context ctx, Collector<Bar> out) throws Exception {
        String symbol = ctx.getCurrentKey();
        OpenBars bars = load(symbol);
        boolean fresh = bars == null;
        if (fresh) {
            bars = new OpenBars();
        }
        long timerBefore = bars.nextTimer();
        TimerService timers = ctx.timerService();
        boolean changed =
                logic.add(bars, trade, timers.currentWatermark(), ids, new Emit(ctx, null));
        if (!changed) {
            return;
        }
        long timer = bars.nextTimer();
        if (timer != timerBefore) {
            if (timerBefore != Long.MAX_VALUE) {
                timers.deleteEventTimeTimer(timerBefore);
            }
            timers.registerEventTimeTimer(timer);
        }
        if (live.touch(bars.countedBy)) {
            bars.countedBy = live.run();
        }
        if (fresh) {
            // Held only once it holds a trade; loaded bars are held already.
            held.put(symbol, bars);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Bar> out) throws Exception {
        OpenBars bars = load(ctx.getCurrentKey());
        if (bars == null) {
            return;
        }
        TimerService timers = ctx.timerService();
        logic.fire(
                ctx.getCurrentKey(),
                bars,
                timestamp,
                timers.currentWatermark(),
                ids,
                new Emit(null, out));
        if (bars.isEmpty()) {
            live.removed(bars.countedBy);
            held.remove(ctx.getCurrentKey());
            state.clear();
            return;
        }
        // At or before the watermark, it fires while this watermark is still being processed.
        timers.registerEventTimeTimer(bars.nextTimer());
        if (live.touch(bars.countedBy)) {
            bars.countedBy = live.run();
        }
    }

    /** The symbol's open bars: held, or read from state and then held; null if it has none. */
    private OpenBars load(String symbol) throws IOException {
        OpenBars bars = held.get(symbol);
        if (bars == null) {
            bars = state.value();
            if (bars != null) {
                held.put(symbol, bars);
            }
        }
        return bars;
    }

    /** Whether the held open bars reached {@link #MAX_HELD_SYMBOLS}. */
    boolean holdsMaximum() {
        return held.size() >= MAX_HELD_SYMBOLS;
    }

    /**
     * Writes every held symbol's open bars to state, switching the key with {@code setKey}, and
     * holds none after. None stays held across a checkpoint: on the heap backend, a held value is
     * the object in the state table, which the checkpoint's asynchronous part may still be writing;
     * read again, the backend hands out a copy.
     */
    void writeHeld(Consumer<String> setKey) throws IOException {
        for (Map.Entry<String, OpenBars> e : held.entrySet()) {
            setKey.accept(e.getKey());
            state.update(e.getValue());
        }
        held.clear();
    }

    /** The live-symbol count of this instance (tests). */
    LiveKeys liveKeys() {
        return live;
    }

    /** Dead letters to the side output, bars to the collector. */
    private final class Emit implements TradeBars.Output {
        private final Context ctx;
        private final Collector<Bar> out;

        Emit(Context ctx, Collector<Bar> out) {
            this.ctx = ctx;
            this.out = out;
        }

        @Override
        public void bar(Bar bar) {
            out.collect(bar);
        }

        @Override
        public void late(Timeframe timeframe, Trade t) {
            late.get(timeframe).inc();
            ctx.output(ParseOrDeadLetter.DEAD_LETTERS, lateDeadLetter(timeframe, t));
        }

        @Override
        public void duplicate(Trade t) {
            duplicates.inc();
            ctx.output(ParseOrDeadLetter.DEAD_LETTERS, duplicateDeadLetter(t));
        }
    }

    /** The dead letter of a trade late for its bar of one timeframe. */
    static DeadLetter lateDeadLetter(Timeframe timeframe, Trade t) {
        String identity = t.tradeId != null ? t.tradeId : t.ts + "@" + t.price + "x" + t.size;
        return new DeadLetter(
                MarketNames.DLQ_LATE,
                timeframe.label() + ":" + t.symbol + ":" + identity,
                t.ts,
                "late for its " + timeframe.label() + " bar (already closed)",
                DeduplicateTrades.json(t));
    }

    /** The dead letter of a trade whose id was already counted. */
    static DeadLetter duplicateDeadLetter(Trade t) {
        return new DeadLetter(
                MarketNames.DLQ_DUPLICATE_TRADES,
                t.symbol + ":" + t.tradeId,
                t.ts,
                "duplicate trade_id " + t.tradeId + ": already counted, not again",
                DeduplicateTrades.json(t));
    }

    /** The ids in map state (point reads and writes; the clean-up walks the symbol's map). */
    private static final class StateIds implements TradeBars.Ids {
        private final MapState<String, Long> map;

        StateIds(MapState<String, Long> map) {
            this.map = map;
        }

        @Override
        public Long get(String key) throws Exception {
            return map.get(key);
        }

        @Override
        public void put(String key, long ts) throws Exception {
            map.put(key, ts);
        }

        @Override
        public void removeExpired(long horizonMillis, long watermark) throws Exception {
            Iterator<Map.Entry<String, Long>> it = map.iterator();
            boolean kept = false;
            while (it.hasNext()) {
                if (it.next().getValue() + horizonMillis < watermark) {
                    it.remove();
                } else {
                    kept = true;
                }
            }
            if (!kept) {
                // Leaves no empty map behind (the heap backend keeps one otherwise).
                map.clear();
            }
        }
    }
}
