package com.athena.common.connectors;

import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.internal.executor.JdbcBatchStatementExecutor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A batch executor for upserts that keeps only the last row per key within a batch: PostgreSQL
 * rejects an {@code INSERT ... ON CONFLICT DO UPDATE} (rewritten into one multi-row statement by
 * {@code reWriteBatchedInserts}) that touches the same row twice.
 */
final class LastWinsBatchExecutor<T> implements JdbcBatchStatementExecutor<T> {
    private final String sql;
    private final Function<T, Object> keyExtractor;
    private final JdbcStatementBuilder<T> statementBuilder;
    private final Map<Object, T> batch = new LinkedHashMap<>();
    private transient PreparedStatement statement;

    LastWinsBatchExecutor(
            String sql,
            Function<T, Object> keyExtractor,
            JdbcStatementBuilder<T> statementBuilder) {
        this.sql = sql;
        this.keyExtractor = keyExtractor;
        this.statementBuilder = statementBuilder;
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
        for (T record : batch.values()) {
            statementBuilder.accept(statement, record);
            statement.addBatch();
        }
        statement.executeBatch();
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
