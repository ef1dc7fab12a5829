package com.athena.jobs.market;

import com.athena.common.market.Bar;
import com.athena.common.market.OhlcvAccumulator;
import com.athena.common.market.Timeframe;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a closed window's accumulator into the bar of its symbol, timeframe and open time. */
public class EmitBar extends ProcessWindowFunction<OhlcvAccumulator, Bar, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private final Timeframe timeframe;

    public EmitBar(Timeframe timeframe) {
        this.timeframe = timeframe;
    }

    @Override
    public void process(
            String symbol, Context ctx, Iterable<OhlcvAccumulator> accs, Collector<Bar> out) {
        // A window exists only once a trade arrived, so an empty interval yields no bar.
        OhlcvAccumulator acc = accs.iterator().next();
        out.collect(acc.toBar(symbol, timeframe, ctx.window().getStart()));
    }
}
