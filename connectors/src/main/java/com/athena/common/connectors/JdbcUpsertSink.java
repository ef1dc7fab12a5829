package com.athena.common.connectors;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.apache.flink.connector.jdbc.internal.JdbcOutputFormat;
import org.apache.flink.connector.jdbc.internal.JdbcOutputSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.function.SerializableFunction;

import java.io.IOException;
import java.io.Serializable;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/**
 * A sink of batched, idempotent upserts through flink-connector-jdbc's output format (batching,
 * interval flushes, retries, reconnects), de-duplicating rows with the same key within a batch:
 * PostgreSQL refuses an {@code INSERT ... ON CONFLICT DO UPDATE} that touches the same row twice. A
 * route writes its batch either one bound row at a time ({@link Route#perRow}, which {@code
 * reWriteBatchedInserts} turns into multi-row statements) or in one execution of its own ({@link
 * Route#batched}, e.g. one array per column unnested by the statement).
 *
 * <p>A row the database refuses for its content goes to that database's {@code dead_letters} table
 * ({@link LastWinsBatchExecutor}); outages still fail the batch, which the output format retries
 * ({@code jdbc.max-retries}) before the job fails over.
 *
 * <p>Every checkpoint flushes, so the sink is at-least-once; since the statement is an upsert on a
 * natural key, a replay after a failure leaves exactly the rows of a run without one.
 */
public final class JdbcUpsertSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** Metric name of the number of batches written. */
    public static final String METRIC_FLUSHES = "jdbcFlushes";

    /** Metric name of the rows the database refused for their content (now dead letters). */
    public static final String METRIC_REJECTED_ROWS = "jdbcRejectedRows";

    /**
     * Writes one de-duplicated batch through its prepared statement. It keeps no rows of its own:
     * the executor drops the batch only after a write succeeds, and the output format's retry after
     * a failure hands the same rows to the writer again.
     */
    @FunctionalInterface
    public interface BatchWriter<T> extends Serializable {
        void write(PreparedStatement statement, Collection<T> rows) throws SQLException;
    }

    /** One target statement: its SQL, how a batch is written, and an element's upsert key. */
    public record Route<T>(String sql, BatchWriter<T> writer, SerializableFunction<T, Object> key)
            implements Serializable {

        /** A statement of one row's parameters, executed as a JDBC batch of every row. */
        public static <T> Route<T> perRow(
                String sql, JdbcStatementBuilder<T> binder, SerializableFunction<T, Object> key) {
            return new Route<>(
                    sql,
                    (statement, rows) -> {
                        for (T row : rows) {
                            binder.accept(statement, row);
                            statement.addBatch();
                        }
                        statement.executeBatch();
                    },
                    key);
        }

        /** A statement that takes the whole batch in one execution, bound by {@code writer}. */
        public static <T> Route<T> batched(
                String sql, BatchWriter<T> writer, SerializableFunction<T, Object> key) {
            return new Route<>(sql, writer, key);
        }
    }

    private final JdbcEndpoint endpoint;
    private final JdbcExecutionOptions options;
    private final Route<T> route;

    private JdbcUpsertSink(JdbcEndpoint endpoint, JdbcExecutionOptions options, Route<T> route) {
        this.endpoint = endpoint;
        this.options = options;
        this.route = route;
    }

    /** A sink of one upsert statement. */
    public static <T> JdbcUpsertSink<T> of(
            JdbcEndpoint endpoint, JdbcExecutionOptions options, Route<T> route) {
        return new JdbcUpsertSink<>(endpoint, options, route);
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) throws IOException {
        Route<T> target = route;
        Counter rejected = context.metricGroup().counter(METRIC_REJECTED_ROWS);
        // Flink's standard send-error count, which the AthenaSinkErrors alert reads.
        Counter sendErrors = context.metricGroup().getNumRecordsSendErrorsCounter();
        JdbcOutputFormat<T, T, LastWinsBatchExecutor<T>> format =
                new JdbcOutputFormat<>(
                        new SimpleJdbcConnectionProvider(endpoint.connectionOptions()),
                        options,
                        () ->
                                new LastWinsBatchExecutor<>(
                                        target.sql(),
                                        target.key()::apply,
                                        target.writer(),
                                        () -> {
                                            rejected.inc();
                                            sendErrors.inc();
                                        }));
        format.open(
                JdbcOutputSerializer.of(
                        context.<T>createInputSerializer(), context.isObjectReuseEnabled()));
        return new Writer<>(format, context.metricGroup().counter(METRIC_FLUSHES));
    }

    private static final class Writer<T> implements SinkWriter<T> {
        private final JdbcOutputFormat<T, T, LastWinsBatchExecutor<T>> format;
        private final Counter flushes;

        Writer(JdbcOutputFormat<T, T, LastWinsBatchExecutor<T>> format, Counter flushes) {
            this.format = format;
            this.flushes = flushes;
        }

        @Override
        public void write(T element, Context context) throws IOException {
            format.writeRecord(element);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            format.flush();
            flushes.inc();
        }

        @Override
        public void close() {
            format.close();
        }
    }
}
