package com.athena.jobs.market;

import com.athena.common.flink.IdleKeys;
import com.athena.common.flink.KeyActivity;
import com.athena.common.flink.LiveKeys;
import com.athena.common.market.MarketBar;
import com.athena.common.market.MarketConditions;
import com.athena.common.market.MarketConditionsRules;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.market.Timeframe;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Keeps each symbol's market view: a closed bar of the conditions timeframe updates volatility and
 * trend, a newer market snapshot (broadcast) updates sentiment for every symbol.
 *
 * <p>A symbol without a bar for the idle retention (event time, {@link IdleKeys}) is forgotten: its
 * next bar starts a new view (trend duration from zero). Snapshots do not count as its activity.
 * {@value #METRIC_LIVE_VIEWS} counts the symbols with a view on the subtask.
 */
public class ConditionsFunction
        extends KeyedBroadcastProcessFunction<String, MarketBar, MarketSnapshot, MarketConditions> {
    private static final long serialVersionUID = 1L;

    /** Gauge: the symbols with a market view on the subtask. */
    public static final String METRIC_LIVE_VIEWS = "liveMarketViews";

    private final MarketConditionsRules rules;
    private final Timeframe timeframe;
    private final IdleKeys idle;

    private transient ValueState<MarketConditions> conditions;
    private transient ValueState<KeyActivity> activity;
    private transient LiveKeys live;

    public ConditionsFunction(
            MarketConditionsRules rules, Timeframe timeframe, Duration idleRetention) {
        this.rules = rules;
        this.timeframe = timeframe;
        this.idle = new IdleKeys(idleRetention);
    }

    @Override
    public void open(OpenContext openContext) {
        conditions = getRuntimeContext().getState(MarketState.CONDITIONS);
        activity = getRuntimeContext().getState(MarketState.CONDITIONS_ACTIVITY);
        live = new LiveKeys(getRuntimeContext().getMetricGroup(), METRIC_LIVE_VIEWS);
    }

    @Override
    public void processElement(MarketBar bar, ReadOnlyContext ctx, Collector<MarketConditions> out)
            throws Exception {
        MarketSnapshot snapshot =
                ctx.getBroadcastState(MarketState.SNAPSHOTS).get(MarketState.LATEST);
        MarketConditions next = rules.onBar(bar, timeframe, conditions.value(), snapshot);
        conditions.update(next);
        KeyActivity before = activity.value();
        KeyActivity after = idle.onActivity(before, bar.bar.openTime);
        if (IdleKeys.isNew(before)) {
            ctx.timerService().registerEventTimeTimer(after.timer);
        }
        if (live.touch(after.countedBy)) {
            after.countedBy = live.run();
        }
        activity.update(after);
        out.collect(next);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MarketConditions> out)
            throws Exception {
        KeyActivity a = activity.value();
        switch (idle.onTimer(a, timestamp)) {
            case CLEAR -> {
                live.idleCleared(a.countedBy);
                conditions.clear();
                activity.clear();
            }
            case RESCHEDULE -> {
                ctx.timerService().registerEventTimeTimer(a.timer);
                if (live.touch(a.countedBy)) {
                    a.countedBy = live.run();
                }
                activity.update(a);
            }
            case NOT_CLEANUP -> {}
        }
    }

    /** The live-symbol count of this instance (tests). */
    LiveKeys liveKeys() {
        return live;
    }

    @Override
    public void processBroadcastElement(
            MarketSnapshot snapshot, Context ctx, Collector<MarketConditions> out)
            throws Exception {
        BroadcastState<String, MarketSnapshot> latest =
                ctx.getBroadcastState(MarketState.SNAPSHOTS);
        MarketSnapshot current = latest.get(MarketState.LATEST);
        // Newest by event time wins, so every parallel instance ends with the same snapshot
        // whatever order the snapshots reached it in.
        if (current != null && current.timestamp > snapshot.timestamp) {
            return;
        }
        latest.put(MarketState.LATEST, snapshot);
        ctx.applyToKeyedState(
                MarketState.CONDITIONS,
                (symbol, state) -> {
                    MarketConditions previous = state.value();
                    if (previous != null) {
                        MarketConditions next = rules.onSnapshot(previous, snapshot);
                        state.update(next);
                        out.collect(next);
                    }
                });
    }
}
