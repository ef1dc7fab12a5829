package com.athena.jobs.market;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Counts the trades that arrived after their bar of one timeframe closed and keeps each as a dead
 * letter, so that late data is visible and replayable, never silently dropped.
 */
public class LateTradeToDeadLetter extends RichMapFunction<Trade, DeadLetter> {
    private static final long serialVersionUID = 1L;

    /** Metric name; one counter per timeframe operator. */
    public static final String METRIC_LATE_TRADES = "lateTrades";

    private final Timeframe timeframe;
    private transient Counter late;

    public LateTradeToDeadLetter(Timeframe timeframe) {
        this.timeframe = timeframe;
    }

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().counter(METRIC_LATE_TRADES);
    }

    @Override
    public DeadLetter map(Trade t) {
        late.inc();
        String identity = t.tradeId != null ? t.tradeId : t.ts + "@" + t.price + "x" + t.size;
        return new DeadLetter(
                MarketNames.DLQ_LATE,
                timeframe.label() + ":" + t.symbol + ":" + identity,
                t.ts,
                "late for its " + timeframe.label() + " bar (already closed)",
                DeduplicateTrades.json(t));
    }
}
