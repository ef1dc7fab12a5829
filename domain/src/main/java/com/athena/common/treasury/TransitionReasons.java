package com.athena.common.treasury;

import java.io.Serializable;
import java.util.Locale;

/** Why a transition happened, readable by a person, with the rules' numbers. */
final class TransitionReasons implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreasuryRules rules;

    TransitionReasons(TreasuryRules rules) {
        this.rules = rules;
    }

    /**
     * Why the emotional state (and survival mode) is what it is after an evaluation: the crash
     * override's trigger or release, else the runway against the threshold it crossed.
     */
    String state(TreasuryState s, EmotionalState previousBase, boolean overrideBefore) {
        if (s.crashOverride && !overrideBefore) {
            return String.format(
                    Locale.ROOT,
                    "market crash override: a market snapshot had btc_24h_change <= %s or fear_greed_index <= %d",
                    number(rules.crash().triggerBtcChange()),
                    rules.crash().triggerFearGreed());
        }
        if (!s.crashOverride && overrideBefore) {
            return String.format(
                    Locale.ROOT,
                    "market crash override released: a market snapshot had btc_24h_change > %s and fear_greed_index >= %d; %s",
                    number(rules.crash().releaseBtcChange()),
                    rules.crash().releaseFearGreed(),
                    runwayText(s.runway));
        }
        if (Double.isNaN(s.runway)) {
            return "runway unknown (no balance, or a burn rate unknown or 0)";
        }
        if (previousBase == null) {
            return "first evaluation: " + runwayText(s.runway);
        }
        if (s.baseState.worseThan(previousBase)) {
            double threshold =
                    s.baseState == EmotionalState.DESPERATE
                            ? rules.desperateRunwayDays()
                            : rules.stableRunwayDays();
            return String.format(
                    Locale.ROOT, "%s, below %s days", runwayText(s.runway), number(threshold));
        }
        if (previousBase.worseThan(s.baseState)) {
            double threshold =
                    s.baseState == EmotionalState.STABLE
                            ? rules.stableRunwayDays()
                            : rules.desperateRunwayDays();
            return String.format(
                    Locale.ROOT,
                    "%s, reached %s days (%s x hysteresis %s)",
                    runwayText(s.runway),
                    number(threshold * rules.hysteresis()),
                    number(threshold),
                    number(rules.hysteresis()));
        }
        return runwayText(s.runway);
    }

    /** Why cost-saving mode turned on ({@code on}: the day's cost) or off (the day closed). */
    String costSaving(TreasuryState s, boolean on) {
        return on
                ? String.format(
                        Locale.ROOT,
                        "daily cost %.4f USD passed the limit of %.2f USD",
                        s.openDayCost,
                        rules.maxDailyCostUsd())
                : "the day closed";
    }

    private static String runwayText(double runway) {
        return Double.isNaN(runway)
                ? "runway unknown"
                : String.format(Locale.ROOT, "runway %.2f days", runway);
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }
}
