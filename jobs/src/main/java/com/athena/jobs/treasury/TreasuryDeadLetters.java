package com.athena.jobs.treasury;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.json.JsonFields;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasuryEventType;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/** The dead letters of valid treasury events that are not applied: duplicates, stale balances. */
final class TreasuryDeadLetters {
    private TreasuryDeadLetters() {}

    /** An event id applied once already: kept so that a retrying producer shows up. */
    static DeadLetter duplicate(TreasuryEvent event) {
        return of(
                TreasuryNames.DLQ_DUPLICATES,
                event,
                "duplicate event_id " + event.eventId + ": already applied, not again");
    }

    /** A late balance report superseded by newer treasury events. */
    static DeadLetter lateBalance(TreasuryEvent event, String reason) {
        return of(TreasuryNames.DLQ_LATE_BALANCES, event, reason);
    }

    /** An event that would move the balance beyond the treasury's bounds. */
    static DeadLetter outOfBounds(TreasuryEvent event, String reason) {
        return of(TreasuryNames.DLQ_OUT_OF_BOUNDS, event, reason);
    }

    private static DeadLetter of(String kind, TreasuryEvent event, String reason) {
        return new DeadLetter(
                kind, event.agentId + "/" + event.eventId, event.timestamp, reason, json(event));
    }

    /** The rejected event as JSON, for its dead letter (the raw payload is not kept). */
    static String json(TreasuryEvent e) {
        ObjectNode json = JsonFields.MAPPER.createObjectNode();
        json.put("event_id", e.eventId)
                .put("agent_id", e.agentId)
                .put("timestamp", Instant.ofEpochMilli(e.timestamp).toString())
                .put("type", e.type.label());
        if (!Double.isNaN(e.balanceUsd)) {
            json.put("balance_usd", e.balanceUsd);
        }
        if (!Double.isNaN(e.burnEstimate)) {
            json.put("daily_burn_rate", e.burnEstimate);
        }
        if (e.type != TreasuryEventType.BALANCE) {
            json.put("amount", e.amount);
        }
        if (e.costType != null) {
            json.put("cost_type", e.costType);
        }
        if (e.operation != null) {
            json.put("operation", e.operation);
        }
        if (e.model != null) {
            json.put("model", e.model);
        }
        return json.toString();
    }
}
