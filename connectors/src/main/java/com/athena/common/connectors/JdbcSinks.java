package com.athena.common.connectors;

import com.athena.common.deadletter.DeadLetter;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * Dead letters into the {@code dead_letters} table: parameterized, batched, written once per key.
 */
public final class JdbcSinks {

    public static final String INSERT_DEAD_LETTER =
            "INSERT INTO dead_letters (source, origin, received_at, reason, payload)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, origin, received_at) DO NOTHING";

    private JdbcSinks() {}

    /**
     * Binds a dead letter. Its text comes from outside (a reason may quote a field of the record),
     * and PostgreSQL text cannot hold NUL: NUL is stored as U+FFFD, everything else verbatim.
     */
    public static void bindDeadLetter(PreparedStatement ps, DeadLetter d) throws SQLException {
        ps.setString(1, storable(d.source));
        ps.setString(2, storable(d.origin));
        ps.setTimestamp(3, new Timestamp(d.receivedAt));
        ps.setString(4, storable(d.reason));
        ps.setString(5, storable(d.payload));
    }

    /** The text with each NUL replaced by U+FFFD, which PostgreSQL can store. */
    public static String storable(String text) {
        return text == null ? null : text.replace('\0', '\uFFFD');
    }

    /** Dead letters, written once per (source, origin, received_at) even under replay. */
    public static Sink<DeadLetter> deadLetters(
            JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return JdbcSink.<DeadLetter>builder()
                .withExecutionOptions(options)
                .withQueryStatement(INSERT_DEAD_LETTER, JdbcSinks::bindDeadLetter)
                .buildAtLeastOnce(endpoint.connectionOptions());
    }
}
