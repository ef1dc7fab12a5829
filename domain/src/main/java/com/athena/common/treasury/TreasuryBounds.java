package com.athena.common.treasury;

/**
 * The bounds of the treasury's money, so that no event can make a balance or a total infinite or
 * meaningless: an event beyond them is a dead letter (the parser refuses an amount or reported
 * balance beyond them; the engine refuses an event that would move a balance beyond them), never a
 * row that a sink then refuses on every retry.
 *
 * <ul>
 *   <li>{@link #MAX_AMOUNT_USD}, 10^12 USD, for one event's amount, a reported burn rate: far above
 *       any agent's cost or transfer, and small enough that no count of events can add up to an
 *       infinite double (that would take 10^296 of them).
 *   <li>{@link #MAX_BALANCE_USD}, 10^13 USD, for a balance: a double keeps cent precision below
 *       2^53 cents (about 9 x 10^13 USD), so a balance within the bound is exact to the cent.
 * </ul>
 */
public final class TreasuryBounds {
    /** Largest amount of one event, and largest reported daily burn rate, in USD. */
    public static final double MAX_AMOUNT_USD = 1e12;

    /** Largest absolute balance, in USD. */
    public static final double MAX_BALANCE_USD = 1e13;

    private TreasuryBounds() {}

    /**
     * Why the event would move the state's balance beyond {@link #MAX_BALANCE_USD}, or null if it
     * would not. A cost on an unknown balance leaves it unknown.
     */
    static String balanceOutOfBounds(TreasuryState s, TreasuryEvent e) {
        double after;
        switch (e.type) {
            case COST -> {
                if (!s.hasBalance()) {
                    return null;
                }
                after = s.balance - e.amount;
            }
            case DEPOSIT -> after = (s.hasBalance() ? s.balance : 0.0) + e.amount;
            case WITHDRAWAL -> after = (s.hasBalance() ? s.balance : 0.0) - e.amount;
            default -> {
                return null;
            }
        }
        if (Math.abs(after) > MAX_BALANCE_USD || !Double.isFinite(after)) {
            return "would move the balance to "
                    + after
                    + " USD, beyond the bound of +/-"
                    + MAX_BALANCE_USD
                    + " USD";
        }
        return null;
    }
}
