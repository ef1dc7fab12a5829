package com.athena.jobs.reliability;

import java.util.List;
import java.util.UUID;

/**
 * The names of one run of {@link TaskManagerKillITCase}: its symbol, topics and subscriptions, all
 * carrying the run's id, and the program arguments of the two jobs that read and write them.
 */
record KillRun(String id) {

    static KillRun fresh() {
        return new KillRun(UUID.randomUUID().toString().substring(0, 8));
    }

    String symbol() {
        return "BTC-KILL" + id.toUpperCase();
    }

    String tradesTopic() {
        return "it.kill.trades." + id;
    }

    String eventsTopic() {
        return "it.kill.treasury.events." + id;
    }

    String costsTopic() {
        return "it-kill-costs-" + id;
    }

    String costsSubscription() {
        return "it-kill-costs-sub-" + id;
    }

    String marketDlqTopic() {
        return "it.kill.market.dlq." + id;
    }

    String treasuryDlqTopic() {
        return "it.kill.treasury.dlq." + id;
    }

    String transitionsTopic() {
        return "it.kill.transitions." + id;
    }

    String treasurySnapshotsTopic() {
        return "it-kill-tsnap-" + id;
    }

    String treasurySnapshotsSubscription() {
        return "it-kill-tsnap-sub-" + id;
    }

    String marketSnapshotsTopic() {
        return "it-kill-msnap-" + id;
    }

    String marketSnapshotsSubscription() {
        return "it-kill-msnap-sub-" + id;
    }

    /** The Kafka topics the run creates. */
    String[] kafkaTopics() {
        return new String[] {
            tradesTopic(), eventsTopic(), marketDlqTopic(), treasuryDlqTopic(), transitionsTopic()
        };
    }

    List<String> marketArgs() {
        return List.of(
                "--market.kafka.trades-topic",
                tradesTopic(),
                "--kafka.group-id",
                "it-kill-market-" + id,
                "--market.kafka.dlq-topic",
                marketDlqTopic(),
                "--market.timeframes",
                "1m,5m,1h",
                // Trades of 2013, sent with pauses: wall time says nothing about their event time
                // (BrokerStallITCase runs the default).
                "--market.watermark.quiet-advance-after",
                "0",
                // A subscription of its own, empty: no other run's snapshots.
                "--market.pubsub.snapshots-subscription",
                marketSnapshotsSubscription(),
                "--pubsub.pull-timeout",
                "5s",
                // BigQuery on: the Storage Write sinks write to KillBigQuery's local server.
                "--sinks.bigquery.enabled",
                "true",
                "--sinks.firestore.enabled",
                "true");
    }

    List<String> treasuryArgs() {
        return List.of(
                "--treasury.kafka.events-topic",
                eventsTopic(),
                "--treasury.kafka.transitions-topic",
                transitionsTopic(),
                "--treasury.kafka.dlq-topic",
                treasuryDlqTopic(),
                "--treasury.pubsub.costs-subscription",
                costsSubscription(),
                "--treasury.pubsub.snapshots-subscription",
                treasurySnapshotsSubscription(),
                "--kafka.group-id",
                "it-kill-treasury-" + id,
                // Events of 2024: wall time says nothing about their event time.
                "--treasury.watermark.quiet-advance-after",
                "0",
                // Days pass in seconds here, so the costs Pub/Sub redelivers after the kill come
                // hours of event time late (InjectionITCase runs the default 1 min).
                "--treasury.watermark.out-of-orderness",
                "24h",
                "--pubsub.pull-timeout",
                "5s",
                // BigQuery on: the Storage Write sinks write to KillBigQuery's local server.
                "--sinks.bigquery.enabled",
                "true",
                "--sinks.firestore.enabled",
                "true");
    }
}
