package com.athena.common.market;

import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.JsonFields;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.Serializable;

/** Parses and validates the JSON market snapshots of Pub/Sub {@code market-snapshots}. */
public final class MarketSnapshotParser implements Serializable {
    private static final long serialVersionUID = 1L;

    static final long MAX_EXACT_COUNT = (1L << 53) - 1;

    private final long maxFutureMillis;

    public MarketSnapshotParser(long maxFutureMillis) {
        this.maxFutureMillis = maxFutureMillis;
    }

    /** Parses one message body. */
    public MarketSnapshot parse(String payload, long nowMillis) throws InvalidRecordException {
        JsonNode node = JsonFields.object(payload);
        MarketSnapshot s = new MarketSnapshot();
        s.timestamp = JsonFields.timestamp(node, "timestamp", nowMillis, maxFutureMillis);
        s.btcPrice = positiveOrNull(node, "btc_price");
        s.ethPrice = positiveOrNull(node, "eth_price");
        s.btc24hChange = changeOrNull(node, "btc_24h_change");
        s.eth24hChange = changeOrNull(node, "eth_24h_change");
        s.btcMarketCap = positiveOrNull(node, "btc_market_cap");
        s.ethMarketCap = positiveOrNull(node, "eth_market_cap");
        s.totalMarketCap = positiveOrNull(node, "total_market_cap");
        s.defiTvl = positiveOrNull(node, "defi_tvl");
        Double fearGreed = numberOrNull(node, "fear_greed_index");
        if (fearGreed != null) {
            if (fearGreed < 0 || fearGreed > 100 || fearGreed != Math.rint(fearGreed)) {
                throw new InvalidRecordException("fear_greed_index must be an integer in [0, 100]");
            }
            s.fearGreedIndex = fearGreed.intValue();
        }
        s.gasPriceGwei = nonNegativeOrNull(node, "gas_price_gwei");
        s.activeAddressesBtc = countOrNull(node, "active_addresses_btc");
        s.activeAddressesEth = countOrNull(node, "active_addresses_eth");
        s.dataSource = JsonFields.optionalText(node, "data_source", 64);
        if (s.btcPrice == null
                && s.ethPrice == null
                && s.fearGreedIndex == null
                && s.btc24hChange == null) {
            throw new InvalidRecordException("snapshot carries no market field");
        }
        return s;
    }

    private static Double numberOrNull(JsonNode node, String field) throws InvalidRecordException {
        double d = JsonFields.optionalNumber(node, field);
        return Double.isNaN(d) ? null : d;
    }

    private static Double positiveOrNull(JsonNode node, String field)
            throws InvalidRecordException {
        Double d = numberOrNull(node, field);
        if (d != null && d <= 0) {
            throw new InvalidRecordException(field + " must be positive, got " + d);
        }
        return d;
    }

    private static Double nonNegativeOrNull(JsonNode node, String field)
            throws InvalidRecordException {
        Double d = numberOrNull(node, field);
        if (d != null && d < 0) {
            throw new InvalidRecordException(field + " must not be negative, got " + d);
        }
        return d;
    }

    private static Double changeOrNull(JsonNode node, String field) throws InvalidRecordException {
        Double d = numberOrNull(node, field);
        // A price cannot fall by more than 100%.
        if (d != null && d < -100) {
            throw new InvalidRecordException(field + " is below -100%");
        }
        return d;
    }

    private static Long countOrNull(JsonNode node, String field) throws InvalidRecordException {
        Double d = nonNegativeOrNull(node, field);
        if (d == null) {
            return null;
        }
        if (d != Math.rint(d)) {
            throw new InvalidRecordException(field + " must be a whole number");
        }
        // Beyond 2^53 a JSON number no longer holds an exact whole count.
        if (d > MAX_EXACT_COUNT) {
            throw new InvalidRecordException(field + " is above " + MAX_EXACT_COUNT);
        }
        return d.longValue();
    }
}
