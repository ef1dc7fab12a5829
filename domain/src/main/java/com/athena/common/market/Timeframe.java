package com.athena.common.market;

import com.athena.common.json.Labeled;

/**
 * A bar length the market pipeline aggregates trades into, identified by its label ({@code 1m},
 * {@code 5m}, {@code 15m}, {@code 1h}, {@code 1d}).
 *
 * <p>Windows are aligned to the UTC epoch, so a 1h bar always opens on the hour and a 1d bar at
 * 00:00 UTC, whatever the time zone of the machine.
 */
public enum Timeframe implements Labeled {
    M1("1m", 60_000L),
    M5("5m", 5 * 60_000L),
    M15("15m", 15 * 60_000L),
    H1("1h", 60 * 60_000L),
    D1("1d", 24 * 60 * 60_000L);

    private final String label;
    private final long millis;

    Timeframe(String label, long millis) {
        this.label = label;
        this.millis = millis;
    }

    /** The label used in events, table rows and configuration, e.g. {@code "5m"}. */
    @Override
    public String label() {
        return label;
    }

    /** The length of one bar in milliseconds. */
    public long millis() {
        return millis;
    }

    /** The length of one bar in minutes. */
    public int minutes() {
        return (int) (millis / 60_000L);
    }

    /**
     * The open time of the bar that contains {@code epochMillis}.
     *
     * <p>Uses floor division so that instants before 1970 still fall into the window that starts at
     * or before them, as Flink's tumbling windows do.
     */
    public long windowStart(long epochMillis) {
        return Math.floorDiv(epochMillis, millis) * millis;
    }

    /**
     * The timeframe with the given label.
     *
     * @throws IllegalArgumentException if the label is not one of {@code 1m, 5m, 15m, 1h, 1d}
     */
    public static Timeframe parse(String label) {
        Timeframe tf = Labeled.fromLabel(Timeframe.class, label);
        if (tf != null) {
            return tf;
        }
        throw new IllegalArgumentException(
                "Unknown timeframe '" + label + "'; allowed labels are " + allowedLabels());
    }

    private static String allowedLabels() {
        StringBuilder sb = new StringBuilder();
        for (Timeframe tf : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(tf.label);
        }
        return sb.toString();
    }
}
