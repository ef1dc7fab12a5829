package com.athena.jobs.market;

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

/**
 * Advances the indicators of one (symbol, timeframe) by each closed bar: loads the state, delegates
 * to {@link IndicatorState}, saves it and emits the row.
 */
public class IndicatorFunction extends KeyedProcessFunction<String, Bar, MarketBar> {
    private static final long serialVersionUID = 1L;

    /** Bars at or before the last one applied; they would advance the indicators twice. */
    public static final String METRIC_STALE_BARS = "staleBars";

    public static final String METRIC_BARS = "barsClosed";

    private final RegimeThresholds thresholds;

    private transient ValueState<IndicatorState> state;
    private transient Counter staleBars;
    private transient Counter bars;

    public IndicatorFunction(RegimeThresholds thresholds) {
        this.thresholds = thresholds;
    }

    /** The key of a bar's indicator state. */
    public static String key(Bar bar) {
        return bar.symbol + '|' + bar.timeframe;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(MarketState.INDICATORS);
        staleBars = getRuntimeContext().getMetricGroup().counter(METRIC_STALE_BARS);
        bars = getRuntimeContext().getMetricGroup().counter(METRIC_BARS);
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
        bars.inc();
        out.collect(new MarketBar(bar, values));
    }
}
