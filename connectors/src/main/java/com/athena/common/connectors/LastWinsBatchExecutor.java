package com.athena.common.connectors;

import com.athena.common.connectors.JdbcUpsertSink.BatchWriter;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.json.JsonFields;

import org.apache.flink.connector.jdbc.internal.executor.JdbcBatchStatementExecutor;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A batch executor for upserts that keeps only the last row per key within a batch: PostgreSQL
 * rejects an {@code INSERT ... ON CONFLICT DO UPDATE} that touches the same row twice, whether the
 * rows come as one multi-row statement (rewritten by {@code reWriteBatchedInserts}) or as arrays
 * unnested by one statement. How the remaining rows reach the statement is the {@link
 * BatchWriter}'s business.
 *
 * <p>A batch the database refuses for a row's content ({@link JdbcErrors#isContentError}) is
 * written again one row at a time, and each refused row goes to the same database's {@code
 * dead_letters} table with the database's reason, so that one poison row neither stops the job nor
 * holds back the others. Rows written before the failure are upserts: writing them again changes
 * nothing.
 */
public final class LastWinsBatchExecutor<T> implements JdbcBatchStatementExecutor<T> {
    private final String sql;
    private final Function<T, Object> keyExtractor;
    private final BatchWriter<T> writer;
    private final Map<Object, T> batch = new LinkedHashMap<>();
    private final String table;
    private final Runnable onRejected;
    private transient PreparedStatement statement;
    private transient PreparedStatement deadLetters;

    LastWinsBatchExecutor(String sql, Function<T, Object> keyExtractor, BatchWriter<T> writer) {
        this(sql, keyExtractor, writer, () -> {});
    }

    LastWinsBatchExecutor(
            String sql,
            Function<T, Object> keyExtractor,
            BatchWriter<T> writer,
            Runnable onRejected) {
        this.sql = sql;
        this.keyExtractor = keyExtractor;
        this.writer = writer;
        this.table = table(sql);
        this.onRejected = onRejected;
    }

    /** The target table of an {@code INSERT INTO t ...}, for the dead letters' origin. */
    static String table(String sql) {
        Matcher m = TABLE.matcher(sql);
        return m.find() ? m.group(1) : "jdbc";
    }

    private static final Pattern TABLE =
            Pattern.compile("INSERT\\s+INTO\\s+([A-Za-z0-9_.]+)", Pattern.CASE_INSENSITIVE);

    @Override
    public void prepareStatements(Connection connection) throws SQLException {
        statement = connection.prepareStatement(sql);
        deadLetters = connection.prepareStatement(JdbcSinks.INSERT_DEAD_LETTER);
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
        try {
            writer.write(statement, batch.values());
        } catch (SQLException e) {
            if (!JdbcErrors.isContentError(e)) {
                throw e;
            }
            writeRowByRow();
        }
        // Cleared only on success: the output format retries the same batch after reconnecting.
        batch.clear();
    }

    /** After a content error: each row alone; a refused row becomes a dead letter. */
    private void writeRowByRow() throws SQLException {
        for (Map.Entry<Object, T> row : batch.entrySet()) {
            try {
                writer.write(statement, List.of(row.getValue()));
            } catch (SQLException e) {
                if (!JdbcErrors.isContentError(e)) {
                    throw e; // an outage after all: the whole batch is retried
                }
                statement.clearBatch();
                JdbcSinks.bindDeadLetter(
                        deadLetters,
                        new DeadLetter(
                                JdbcErrors.DEAD_LETTER_SOURCE,
                                table + ":" + row.getKey(),
                                System.currentTimeMillis(),
                                JdbcErrors.reason(e),
                                payload(row.getValue())));
                deadLetters.executeUpdate();
                onRejected.run();
            }
        }
    }

    private static String payload(Object row) {
        try {
            return JsonFields.MAPPER.writeValueAsString(row);
        } catch (JsonProcessingException | RuntimeException e) {
            return String.valueOf(row);
        }
    }

    @Override
    public void closeStatements() throws SQLException {
        if (statement != null) {
            statement.close();
            statement = null;
        }
        if (deadLetters != null) {
            deadLetters.close();
            deadLetters = null;
        }
    }

    int pending() {
        return batch.size();
    }
}
