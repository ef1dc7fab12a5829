package com.athena.jobs.treasury;

import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSinks;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.connectors.RawPubSubMessages;
import com.athena.common.connectors.RawRecord;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.treasury.TreasuryTransition;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads what the treasury job wrote, for the fault and bad-input ITCases. */
final class TreasuryTables {
    private TreasuryTables() {}

    /**
     * Day-close balances by {@code "<agent> <day>"}, to the cent, of the agents LIKE the pattern.
     */
    static Map<String, BigDecimal> dayCloses(JdbcEndpoint db, String agents) {
        Map<String, BigDecimal> closes = new TreeMap<>();
        try (Connection c = db.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT agent_id, day::text, balance_usd FROM treasury_snapshots"
                                        + " WHERE agent_id LIKE ? AND snapshot_type = 'day_close'")) {
            ps.setString(1, agents);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    closes.put(
                            rs.getString(1) + " " + rs.getString(2),
                            BigDecimal.valueOf(rs.getDouble(3))
                                    .setScale(2, RoundingMode.HALF_EVEN));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return closes;
    }

    /** The {@code cost_events} amounts by event id of the agents LIKE the pattern. */
    static Map<String, Double> costs(JdbcEndpoint db, String agents) throws Exception {
        Map<String, Double> stored = new HashMap<>();
        try (Connection c = db.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT event_id, amount FROM cost_events WHERE agent_id LIKE ?")) {
            ps.setString(1, agents);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (stored.put(rs.getString(1), rs.getDouble(2)) != null) {
                        throw new AssertionError("two cost_events rows for " + rs.getString(1));
                    }
                }
            }
        }
        return stored;
    }

    /** A Pub/Sub source of raw records, as the treasury job's main builds it. */
    static SourceFactory<RawRecord> pubsub(PubSubEndpoint pubsub, String subscription)
            throws Exception {
        return SourceFactory.legacy(
                pubsub.source(
                        subscription,
                        new RawPubSubMessages(subscription),
                        100,
                        Duration.ofSeconds(5),
                        3),
                TypeInformation.of(RawRecord.class));
    }

    /**
     * The sinks these ITCases read back: every table row to PostgreSQL through the job's JDBC
     * sinks, dead letters to a Kafka topic, and the given transition sinks.
     */
    static TreasuryJob.Sinks sinks(
            JdbcEndpoint postgres,
            Configuration config,
            KafkaEndpoint kafka,
            String dlqTopic,
            List<NamedSink<TreasuryTransition>> transitions) {
        JdbcExecutionOptions jdbc = CommonOptions.jdbcExecution(config);
        return new TreasuryJob.Sinks(
                List.of(),
                List.of(NamedSink.of("pg-snapshots", TreasuryJdbcSinks.snapshots(postgres, jdbc))),
                List.of(),
                transitions,
                List.of(NamedSink.of("pg-costs", TreasuryJdbcSinks.costs(postgres, jdbc))),
                List.of(),
                List.of(NamedSink.of("pg-metrics", TreasuryJdbcSinks.metrics(postgres, jdbc))),
                List.of(
                        NamedSink.of("kafka-dlq", KafkaSinks.deadLetters(kafka, dlqTopic)),
                        NamedSink.of("pg-dlq", JdbcSinks.deadLetters(postgres, jdbc))));
    }
}
