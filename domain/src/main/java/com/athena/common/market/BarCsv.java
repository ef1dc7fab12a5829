package com.athena.common.market;

import com.athena.common.json.InvalidRecordException;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads bars in the replay format {@code ts,open,high,low,close,volume}, ts in ISO-8601 UTC. */
public final class BarCsv {
    /** The header line of the format. */
    public static final String HEADER = "ts,open,high,low,close,volume";

    private BarCsv() {}

    /** Parses one data line into a bar of the given symbol and timeframe. */
    public static Bar parse(String line, String symbol, Timeframe timeframe)
            throws InvalidRecordException {
        String[] cells = line.split(",", -1);
        if (cells.length != 6) {
            throw new InvalidRecordException("expected 6 cells, got " + cells.length);
        }
        long openTime;
        try {
            openTime = Instant.parse(cells[0].trim()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException("ts is not ISO-8601 UTC: " + cells[0].trim());
        }
        if (timeframe.windowStart(openTime) != openTime) {
            throw new InvalidRecordException(
                    "ts "
                            + cells[0].trim()
                            + " is not the open time of a "
                            + timeframe.label()
                            + " bar");
        }
        double[] v = new double[5];
        String[] names = {"open", "high", "low", "close", "volume"};
        for (int i = 0; i < 5; i++) {
            try {
                v[i] = Double.parseDouble(cells[i + 1].trim());
            } catch (NumberFormatException e) {
                throw new InvalidRecordException(
                        names[i] + " is not a number: " + cells[i + 1].trim());
            }
            if (!Double.isFinite(v[i])) {
                throw new InvalidRecordException(names[i] + " is not finite");
            }
        }
        if (v[0] <= 0 || v[1] <= 0 || v[2] <= 0 || v[3] <= 0) {
            throw new InvalidRecordException("prices must be positive");
        }
        if (v[4] < 0) {
            throw new InvalidRecordException("volume must not be negative");
        }
        if (v[1] < Math.max(v[0], v[3]) || v[2] > Math.min(v[0], v[3]) || v[2] > v[1]) {
            throw new InvalidRecordException("high/low do not bound open and close");
        }
        return new Bar(symbol, timeframe.label(), openTime, v[0], v[1], v[2], v[3], v[4], 0L);
    }
}
