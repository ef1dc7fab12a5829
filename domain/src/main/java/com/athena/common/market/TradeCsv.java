package com.athena.common.market;

import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.JsonFields;

/**
 * Reads trades in the Bitstamp export format {@code timestamp,price,amount} (epoch seconds), the
 * format of the real data set the demo and the replay use.
 */
public final class TradeCsv {
    /** The header line of the format. */
    public static final String HEADER = "timestamp,price,amount";

    private TradeCsv() {}

    /** Parses one data line; the format carries no trade id. */
    public static Trade parse(String line, String symbol, String source)
            throws InvalidRecordException {
        String[] cells = line.split(",", -1);
        if (cells.length != 3) {
            throw new InvalidRecordException("expected 3 cells, got " + cells.length);
        }
        long seconds;
        double price;
        double size;
        try {
            seconds = Long.parseLong(cells[0].trim());
            price = Double.parseDouble(cells[1].trim());
            size = Double.parseDouble(cells[2].trim());
        } catch (NumberFormatException e) {
            throw new InvalidRecordException("not a number: " + e.getMessage());
        }
        if (!(price > 0) || !Double.isFinite(price)) {
            throw new InvalidRecordException("price must be positive and finite");
        }
        if (!(size > 0) || !Double.isFinite(size)) {
            throw new InvalidRecordException("amount must be positive and finite");
        }
        if (seconds < JsonFields.EARLIEST_EVENT_MILLIS / 1000) {
            throw new InvalidRecordException("timestamp is before 2009-01-01");
        }
        try {
            return new Trade(symbol, Math.multiplyExact(seconds, 1000L), price, size, null, source);
        } catch (ArithmeticException e) {
            throw new InvalidRecordException("timestamp is out of range");
        }
    }
}
