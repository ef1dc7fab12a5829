package com.athena.common.connectors;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.market.Trade;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.Timestamp;

/** The flink-connector-jdbc sinks of the project: parameterized, batched, idempotent upserts. */
public final class JdbcSinks {

    static final String INSERT_TRADE =
            "INSERT INTO trades (symbol, ts, trade_id, price, size, source) VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (symbol, trade_id, ts) DO NOTHING";

    static final String INSERT_DEAD_LETTER =
            "INSERT INTO dead_letters (source, origin, received_at, reason, payload)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, origin, received_at) DO NOTHING";

    private JdbcSinks() {}

    /** Raw trades; a trade without an id is keyed by its price, size and time. */
    public static Sink<Trade> trades(JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return JdbcSink.<Trade>builder()
                .withExecutionOptions(options)
                .withQueryStatement(
                        INSERT_TRADE,
                        (ps, t) -> {
                            ps.setString(1, t.symbol);
                            ps.setTimestamp(2, new Timestamp(t.ts));
                            ps.setString(3, t.tradeId != null ? t.tradeId : t.price + "x" + t.size);
                            ps.setDouble(4, t.price);
                            ps.setDouble(5, t.size);
                            ps.setString(6, t.source);
                        })
                .buildAtLeastOnce(endpoint.connectionOptions());
    }

    /** Dead letters, written once per (source, origin, received_at) even under replay. */
    public static Sink<DeadLetter> deadLetters(
            JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return JdbcSink.<DeadLetter>builder()
                .withExecutionOptions(options)
                .withQueryStatement(
                        INSERT_DEAD_LETTER,
                        (ps, d) -> {
                            ps.setString(1, d.source);
                            ps.setString(2, d.origin);
                            ps.setTimestamp(3, new Timestamp(d.receivedAt));
                            ps.setString(4, d.reason);
                            // PostgreSQL text cannot hold NUL; the rest is stored verbatim.
                            ps.setString(
                                    5,
                                    d.payload == null ? null : d.payload.replace('\0', '\uFFFD'));
                        })
                .buildAtLeastOnce(endpoint.connectionOptions());
    }
}
