package com.athena.common.treasury;

import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.JsonFields;
import com.athena.common.json.RecordParser;
import com.athena.common.market.MarketSnapshotParser;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Parses the lines of a mixed treasury input: a line with {@code type: "market_snapshot"}, or
 * without {@code agent_id} but with a market field ({@code btc_price}, {@code eth_price}, {@code
 * btc_24h_change}, {@code fear_greed_index}), is a market snapshot; any other line is a cost or
 * balance event (and without {@code agent_id}, an invalid one).
 */
public final class TreasuryInputParser implements RecordParser<TreasuryInput> {
    private static final long serialVersionUID = 1L;

    public static final String MARKET_SNAPSHOT = "market_snapshot";

    private final TreasuryEventParser events;
    private final MarketSnapshotParser snapshots;

    public TreasuryInputParser(TreasuryEventParser events, MarketSnapshotParser snapshots) {
        this.events = events;
        this.snapshots = snapshots;
    }

    @Override
    public TreasuryInput parse(String payload, long nowMillis) throws InvalidRecordException {
        JsonNode node = JsonFields.object(payload);
        JsonNode type = node.get("type");
        boolean snapshot =
                type != null && type.isTextual()
                        ? type.asText().equals(MARKET_SNAPSHOT)
                        : !node.has("agent_id")
                                && (node.has("btc_price")
                                        || node.has("eth_price")
                                        || node.has("btc_24h_change")
                                        || node.has("fear_greed_index"));
        return snapshot
                ? TreasuryInput.of(snapshots.parse(payload, nowMillis))
                : TreasuryInput.of(events.parse(node, nowMillis));
    }
}
