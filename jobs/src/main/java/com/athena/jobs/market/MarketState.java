package com.athena.jobs.market;

import com.athena.common.flink.IdleKeys;
import com.athena.common.flink.KeyActivity;
import com.athena.common.indicators.IndicatorState;
import com.athena.common.market.MarketConditions;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.market.OpenBars;
import com.athena.common.market.TradeBars;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** The market job's state descriptors. Their names never change. */
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

    /**
     * Per (symbol, timeframe), next to {@link #INDICATORS}: the series' last bar and its pending
     * idle clean-up ({@link IdleKeys}).
     */
    public static final ValueStateDescriptor<KeyActivity> INDICATORS_ACTIVITY =
            new ValueStateDescriptor<>("indicator-activity", TypeInformation.of(KeyActivity.class));

    /** Per symbol, next to {@link #CONDITIONS}: its last bar and pending idle clean-up. */
    public static final ValueStateDescriptor<KeyActivity> CONDITIONS_ACTIVITY =
            new ValueStateDescriptor<>(
                    "market-conditions-activity", TypeInformation.of(KeyActivity.class));

    /**
     * Per symbol, in the trade step ({@link MarketNames#TRADE_BARS}): the open bars of every
     * timeframe and the pending clean-ups of {@link #TRADE_IDS}, written by {@link
     * OpenBarsSerializer} (state of the POJO serializer migrates on restore).
     */
    public static final ValueStateDescriptor<OpenBars> OPEN_BARS =
            new ValueStateDescriptor<>("open-bars", OpenBarsSerializer.INSTANCE);

    /**
     * Per symbol, in the trade step: {@link TradeBars#idKey source and trade id} to the trade's
     * event time, until the watermark passes it plus the horizon.
     */
    public static final MapStateDescriptor<String, Long> TRADE_IDS =
            new MapStateDescriptor<>("trade-ids", Types.STRING, Types.LONG);

    /**
     * Former graph, de-duplication operator ({@link MarketNames#DEDUP_TRADES}), per symbol: trade
     * id to event time. Read only by the savepoint migration.
     */
    public static final MapStateDescriptor<String, Long> SEEN_TRADES =
            new MapStateDescriptor<>("seen-trades", Types.STRING, Types.LONG);

    /**
     * Former graph, per symbol: the watermark up to which {@link #SEEN_TRADES} was last cleaned.
     * Read only by the savepoint migration.
     */
    public static final ValueStateDescriptor<Long> SEEN_TRADES_CLEANED =
            new ValueStateDescriptor<>("seen-trades-cleaned", Types.LONG);

    private MarketState() {}
}
