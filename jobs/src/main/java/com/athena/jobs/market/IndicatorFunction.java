package com.athena.jobs.market;

import com.athena.common.flink.IdleKeys;
import com.athena.common.flink.KeyActivity;
import com.athena.common.flink.LiveKeys;
import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.RegimeThresholds;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Advances the indicators of one (symbol, timeframe) by each closed bar: loads the state, delegates
 * to {@link IndicatorState}, saves it and emits the row.
 *
 * <p>A series without a bar for the idle retention (event time, {@link IdleKeys}: one clean-up
 * timer per series) is cleared; {@value #METRIC_LIVE_SERIES} counts the live series of the subtask.
 */
public class IndicatorFunction extends KeyedProcessFunction<String, Bar, MarketBar> {
    private static final long serialVersionUID = 1L;

    /** Bars at or before the last one applied; they would advance the indicators twice. */
    public static final String METRIC_STALE_BARS = "staleBars";

    public static final String METRIC_BARS = "barsClosed";

    /** Gauge: the (symbol, timeframe) series with indicator state on the subtask. */
    public static final String METRIC_LIVE_SERIES = "liveSeries";

    private final RegimeThresholds thresholds;
    private final IdleKeys idle;

    private transient ValueState<IndicatorState> state;
    private transient ValueState<KeyActivity> activity;
    private transient Counter staleBars;
    private transient Counter bars;
    private transient LiveKeys live;

    public IndicatorFunction(RegimeThresholds thresholds, Duration idleRetention) {
        this.thresholds = thresholds;
        this.idle = new IdleKeys(idleRetention);
    }

    /** The key of a bar's indicator state. */
    public static String key(Bar bar) {
        return bar.symbol + '|' + bar.timeframe;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(MarketState.INDICATORS);
        activity = getRuntimeContext().getState(MarketState.INDICATORS_ACTIVITY);
        staleBars = getRuntimeContext().getMetricGroup().counter(METRIC_STALE_BARS);
        bars = getRuntimeContext().getMetricGroup().counter(METRIC_BARS);
        live = new LiveKeys(getRuntimeContext().getMetricGroup(), METRIC_LIVE_SERIES);
    }

    @Override
    public void processElement(Bar bar, Context ctx, Collector<MarketBar> out) throws Exception {
        IndicatorState indicators = state.value();
        if (indicators == null) {
            indicators = new IndicatorState(Timeframe.parse(bar.timeframe), thresholds);
        } else {
            // Configuration changed across a savepoint applies to restored state too.
            indicators.applyThresholds(thresholds);
        }
        IndicatorValues values = new IndicatorValues();
        if (!indicators.update(bar, values)) {
            staleBars.inc();
            return;
        }
        state.update(indicators);
        KeyActivity before = activity.value();
        KeyActivity after = idle.onActivity(before, bar.openTime);
        if (IdleKeys.isNew(before)) {
            // Also a series restored from a savepoint taken before the clean-up existed.
            ctx.timerService().registerEventTimeTimer(after.timer);
        }
        if (live.touch(after.countedBy)) {
            after.countedBy = live.run();
        }
        activity.update(after);
        bars.inc();
        out.collect(new MarketBar(bar, values));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MarketBar> out)
            throws Exception {
        KeyActivity a = activity.value();
        switch (idle.onTimer(a, timestamp)) {
            case CLEAR -> {
                live.idleCleared(a.countedBy);
                state.clear();
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

    /** The live-series count of this instance (tests). */
    LiveKeys liveKeys() {
        return live;
    }
}
