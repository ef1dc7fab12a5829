package com.athena.tools.replay;

import com.athena.common.treasury.TreasurySnapshot;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The treasury replay's output format: one day close per line, under {@link #HEADER}.
 *
 * <p>Numbers are rounded to 10 decimal places (half-even) and written without trailing zeros but
 * with at least two decimals, so that money reads like money ({@code 26.50}, {@code 0.0045}) and a
 * value differs from the computed double by at most 5e-11. Unknown values are empty cells.
 */
public final class TreasuryCsv {
    /** The exact header of the replay contract. */
    public static final String HEADER =
            "agent_id,day,balance_usd,daily_cost_usd,daily_burn_rate,days_until_bankruptcy,"
                    + "emotional_state,survival_mode_active";

    static final int MAX_DECIMALS = 10;
    static final int MIN_DECIMALS = 2;

    private TreasuryCsv() {}

    /** Formats a day-close snapshot. */
    public static String format(TreasurySnapshot s) {
        StringBuilder line = new StringBuilder(128);
        line.append(csv(s.agentId)).append(',').append(s.day).append(',');
        line.append(number(s.balanceUsd)).append(',');
        line.append(number(s.dailyCostUsd)).append(',');
        line.append(number(s.dailyBurnRate)).append(',');
        line.append(number(s.daysUntilBankruptcy)).append(',');
        line.append(s.emotionalState == null ? "" : s.emotionalState).append(',');
        line.append(s.survivalModeActive);
        return line.toString();
    }

    /** See the class comment; NaN and infinities are empty. */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "";
        }
        BigDecimal d =
                BigDecimal.valueOf(value)
                        .setScale(MAX_DECIMALS, RoundingMode.HALF_EVEN)
                        .stripTrailingZeros();
        if (d.scale() < MIN_DECIMALS) {
            d = d.setScale(MIN_DECIMALS, RoundingMode.UNNECESSARY);
        }
        if (d.signum() == 0) {
            d = BigDecimal.ZERO.setScale(MIN_DECIMALS);
        }
        return d.toPlainString();
    }

    private static String csv(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
