package com.athena.jobs.market;

import com.athena.common.indicators.IndicatorState;
import com.athena.common.market.MarketConditions;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.market.Trade;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

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

    /** Per symbol: trade id to event time, until the watermark passes it plus the horizon. */
    public static final MapStateDescriptor<String, Long> SEEN_TRADES =
            new MapStateDescriptor<>("seen-trades", Types.STRING, Types.LONG);

    /** Per symbol: the watermark up to which {@link #SEEN_TRADES} was last cleaned. */
    public static final ValueStateDescriptor<Long> SEEN_TRADES_CLEANED =
            new ValueStateDescriptor<>("seen-trades-cleaned", Types.LONG);

    /** Trades that arrived after their bar closed. */
    public static final OutputTag<Trade> LATE_TRADES =
            new OutputTag<>("late-trades", TypeInformation.of(Trade.class));

    private MarketState() {}
}
