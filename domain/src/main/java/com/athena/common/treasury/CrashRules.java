package com.athena.common.treasury;

import com.athena.common.market.MarketSnapshot;

import java.io.Serializable;

/**
 * When market snapshots trigger and release the market-crash override.
 *
 * <p>A snapshot triggers it when {@code btc_24h_change <= triggerBtcChange} or {@code
 * fear_greed_index <= triggerFearGreed}; it releases it when {@code btc_24h_change >
 * releaseBtcChange} and {@code fear_greed_index >= releaseFearGreed}. A field the snapshot leaves
 * out satisfies neither condition, so a snapshot without both fields never releases. Between the
 * thresholds a snapshot changes nothing.
 */
public record CrashRules(
        double triggerBtcChange,
        int triggerFearGreed,
        double releaseBtcChange,
        int releaseFearGreed)
        implements Serializable {

    /** The thresholds: trigger at -10% or 15, release above -5% and at 25 or more. */
    public static final CrashRules DEFAULT = new CrashRules(-10.0, 15, -5.0, 25);

    /** What a snapshot says about the override. */
    public enum Signal {
        TRIGGER,
        RELEASE,
        NONE
    }

    public CrashRules {
        if (!(releaseBtcChange > triggerBtcChange) || releaseFearGreed <= triggerFearGreed) {
            // Otherwise one snapshot could both trigger and release.
            throw new IllegalArgumentException(
                    "the release thresholds must lie above the trigger thresholds");
        }
    }

    /** The snapshot's signal; a trigger wins, though the thresholds make both impossible. */
    public Signal signal(MarketSnapshot s) {
        boolean btcCrash = s.btc24hChange != null && s.btc24hChange <= triggerBtcChange;
        boolean fear = s.fearGreedIndex != null && s.fearGreedIndex <= triggerFearGreed;
        if (btcCrash || fear) {
            return Signal.TRIGGER;
        }
        if (s.btc24hChange != null
                && s.btc24hChange > releaseBtcChange
                && s.fearGreedIndex != null
                && s.fearGreedIndex >= releaseFearGreed) {
            return Signal.RELEASE;
        }
        return Signal.NONE;
    }
}
