package com.athena.jobs.market;

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

/**
 * Keeps each symbol's market view: a closed bar of the conditions timeframe updates volatility and
 * trend, a newer market snapshot (broadcast) updates sentiment for every symbol.
 */
public class ConditionsFunction
        extends KeyedBroadcastProcessFunction<String, MarketBar, MarketSnapshot, MarketConditions> {
    private static final long serialVersionUID = 1L;

    private final MarketConditionsRules rules;
    private final Timeframe timeframe;

    private transient ValueState<MarketConditions> conditions;

    public ConditionsFunction(MarketConditionsRules rules, Timeframe timeframe) {
        this.rules = rules;
        this.timeframe = timeframe;
    }

    @Override
    public void open(OpenContext openContext) {
        conditions = getRuntimeContext().getState(MarketState.CONDITIONS);
    }

    @Override
    public void processElement(MarketBar bar, ReadOnlyContext ctx, Collector<MarketConditions> out)
            throws Exception {
        MarketSnapshot snapshot =
                ctx.getBroadcastState(MarketState.SNAPSHOTS).get(MarketState.LATEST);
        MarketConditions next = rules.onBar(bar, timeframe, conditions.value(), snapshot);
        conditions.update(next);
        out.collect(next);
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
