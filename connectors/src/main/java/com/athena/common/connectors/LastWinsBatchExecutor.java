package com.athena.common.connectors;

import com.athena.common.connectors.JdbcUpsertSink.BatchWriter;

import org.apache.flink.connector.jdbc.internal.executor.JdbcBatchStatementExecutor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A batch executor for upserts that keeps only the last row per key within a batch: PostgreSQL
 * rejects an {@code INSERT ... ON CONFLICT DO UPDATE} that touches the same row twice, whether the
 * rows come as one multi-row statement (rewritten by {@code reWriteBatchedInserts}) or as arrays
 * unnested by one statement. How the remaining rows reach the statement is the {@link
 * BatchWriter}'s business.
 */
public final class LastWinsBatchExecutor<T> implements JdbcBatchStatementExecutor<T> {
    private final String sql;
    private final Function<T, Object> keyExtractor;
    private final BatchWriter<T> writer;
    private final Map<Object, T> batch = new LinkedHashMap<>();
    private transient PreparedStatement statement;

    LastWinsBatchExecutor(String sql, Function<T, Object> keyExtractor, BatchWriter<T> writer) {
        this.sql = sql;
        this.keyExtractor = keyExtractor;
        this.writer = writer;
    }

    @Override
    public void prepareStatements(Connection connection) throws SQLException {
        statement = connection.prepareStatement(sql);
    }

    @Override
    public void addToBatch(T record) {
        Object key = keyExtractor.apply(record);
        // Re-inserting moves the key to the end, so rows keep the order of their last update.
        batch.remove(key);
        batch.put(key, record);
    }

    @Override
    public void executeBatch() throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        writer.write(statement, batch.values());
        // Cleared only on success: the output format retries the same batch after reconnecting.
        batch.clear();
    }

    @Override
    public void closeStatements() throws SQLException {
        if (statement != null) {
            statement.close();
            statement = null;
        }
    }

    int pending() {
        return batch.size();
    }
}
