package com.athena.common.treasury;

import static com.athena.common.treasury.TreasuryState.NONE;

/**
 * The costs of an agent's last completed days, kept in {@link TreasuryState#dayCosts} as a ring
 * ({@code dayCosts[day mod length]}, newest day {@link TreasuryState#ringLastDay}), and the burn
 * rate they give. Operates on the state's fields; holds nothing itself.
 */
final class DayCostRing {
    private DayCostRing() {}

    /** Creates the ring, or resizes it when the window changed across a savepoint. */
    static void ensure(TreasuryState s, int window) {
        if (s.dayCosts != null && s.dayCosts.length == window) {
            return;
        }
        double[] ring = new double[window];
        if (s.dayCosts != null && s.ringLastDay != NONE) {
            int keep = Math.min(window, s.dayCosts.length);
            for (long j = s.ringLastDay - keep + 1; j <= s.ringLastDay; j++) {
                ring[(int) Math.floorMod(j, (long) window)] = completed(s, j);
            }
        }
        s.dayCosts = ring;
    }

    /** Whether {@code day} is closed: at or before the newest kept day. */
    static boolean isClosed(TreasuryState s, long day) {
        return s.ringLastDay != NONE && day <= s.ringLastDay;
    }

    /** Records the final cost of day {@code d}, now the newest kept day. */
    static void close(TreasuryState s, long d, double cost) {
        roll(s, d);
        s.dayCosts[index(s, d)] = cost;
    }

    /** The cost of a completed day; days without costs, and days not kept, are 0. */
    static double completed(TreasuryState s, long d) {
        if (s.ringLastDay == NONE || d > s.ringLastDay || d <= s.ringLastDay - s.dayCosts.length) {
            return 0.0;
        }
        return s.dayCosts[index(s, d)];
    }

    /**
     * A late cost of a day already over: it corrects that day's cost in the ring, so later burn
     * rates include it; returns the corrected total, or NaN if the day is not kept.
     */
    static double correct(TreasuryState s, long d, double amount) {
        if (s.firstDay == NONE || d < s.firstDay) {
            return Double.NaN;
        }
        if (s.ringLastDay == NONE || d > s.ringLastDay) {
            // A day without events between the last kept one and the open one: it was 0.
            roll(s, d);
        }
        if (d <= s.ringLastDay - s.dayCosts.length) {
            return Double.NaN;
        }
        int i = index(s, d);
        s.dayCosts[i] += amount;
        return s.dayCosts[i];
    }

    /**
     * The burn rate before day {@code d}: the mean cost of the at most {@code window} completed
     * days since the agent's first, its estimate on its first day; NaN when unknown.
     */
    static double burnBefore(TreasuryState s, long d, int window) {
        if (s.firstDay == NONE) {
            return Double.NaN;
        }
        long k = d - s.firstDay;
        if (k <= 0) {
            return s.burnEstimate;
        }
        int n = (int) Math.min(window, k);
        double sum = 0;
        for (long j = d - n; j < d; j++) {
            sum += completed(s, j);
        }
        return sum / n;
    }

    /** Makes {@code through} the newest kept day, the days in between costing 0. */
    private static void roll(TreasuryState s, long through) {
        int w = s.dayCosts.length;
        if (s.ringLastDay != NONE && through <= s.ringLastDay) {
            return;
        }
        long from =
                s.ringLastDay == NONE
                        ? through - w + 1
                        : Math.max(s.ringLastDay + 1, through - w + 1);
        for (long j = from; j <= through; j++) {
            s.dayCosts[index(s, j)] = 0.0;
        }
        s.ringLastDay = through;
    }

    private static int index(TreasuryState s, long day) {
        return (int) Math.floorMod(day, (long) s.dayCosts.length);
    }
}
