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

/**
 * A sink of batched, idempotent upserts through flink-connector-jdbc's output format (batching,
 * interval flushes, retries, reconnects), de-duplicating rows with the same key within a batch.
 *
 * <p>Every checkpoint flushes the batch, so the sink is at-least-once; since every statement is an
 * upsert on a natural key, a replay after a failure leaves exactly the rows of a run without one.
 */
public final class JdbcUpsertSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** Metric name of the number of batches written. */
    public static final String METRIC_FLUSHES = "jdbcFlushes";

    private final JdbcEndpoint endpoint;
    private final JdbcExecutionOptions options;
    private final String sql;
    private final JdbcStatementBuilder<T> statementBuilder;
    private final SerializableFunction<T, Object> keyExtractor;

    public JdbcUpsertSink(
            JdbcEndpoint endpoint,
            JdbcExecutionOptions options,
            String sql,
            JdbcStatementBuilder<T> statementBuilder,
            SerializableFunction<T, Object> keyExtractor) {
        this.endpoint = endpoint;
        this.options = options;
        this.sql = sql;
        this.statementBuilder = statementBuilder;
        this.keyExtractor = keyExtractor;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) throws IOException {
        String statement = sql;
        SerializableFunction<T, Object> key = keyExtractor;
        JdbcStatementBuilder<T> builder = statementBuilder;
        JdbcOutputFormat<T, T, LastWinsBatchExecutor<T>> format =
                new JdbcOutputFormat<>(
                        new SimpleJdbcConnectionProvider(endpoint.connectionOptions()),
                        options,
                        () -> new LastWinsBatchExecutor<>(statement, key::apply, builder));
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
