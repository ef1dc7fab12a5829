package com.athena.jobs.market;

import com.athena.common.flink.SeenIds;
import com.athena.common.indicators.IndicatorState;
import com.athena.common.market.MarketConditions;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.market.Trade;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/** The market job's state descriptors and side outputs. Their names never change. */
public final class MarketState {

    /** Per (symbol, timeframe): every indicator's running state. */
    public static final ValueStateDescriptor<IndicatorState> INDICATORS =
            new ValueStateDescriptor<>("indicator-state", TypeInformation.of(IndicatorState.class));

    /** Per symbol: the last market view written, for trend duration and snapshot updates. */
    public static final ValueStateDescriptor<MarketConditions> CONDITIONS =
            new ValueStateDescriptor<>(
                    "market-conditions", TypeInformation.of(MarketConditions.class));

    /** Broadcast: the newest market snapshot, under {@link #LATEST}. */
    public static final MapStateDescriptor<String, MarketSnapshot> SNAPSHOTS =
            new MapStateDescriptor<>(
                    "latest-snapshot", Types.STRING, TypeInformation.of(MarketSnapshot.class));

    public static final String LATEST = "latest";

    /** Per symbol: trade id to event time, remembered for the de-duplication TTL. */
    public static MapStateDescriptor<String, Long> seenTrades(Duration ttl) {
        return SeenIds.descriptor("seen-trades", ttl);
    }

    /** Trades that arrived after their bar closed. */
    public static final OutputTag<Trade> LATE_TRADES =
            new OutputTag<>("late-trades", TypeInformation.of(Trade.class));

    private MarketState() {}
}
