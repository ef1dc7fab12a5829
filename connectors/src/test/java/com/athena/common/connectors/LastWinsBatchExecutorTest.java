package com.athena.common.connectors;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The last-wins batching of the JDBC upsert sink, without a database. */
class LastWinsBatchExecutorTest {

    @Test
    void lastRowPerKeyWinsAndAFailedBatchIsKeptForTheRetry() throws Exception {
        List<List<String>> written = new ArrayList<>();
        boolean[] fail = {true};
        LastWinsBatchExecutor<String[]> executor =
                new LastWinsBatchExecutor<>(
                        "SQL",
                        r -> r[0],
                        (statement, rows) -> {
                            List<String> values = new ArrayList<>();
                            rows.forEach(r -> values.add(r[1]));
                            written.add(values);
                            if (fail[0]) {
                                throw new SQLException("connection lost");
                            }
                        });
        executor.prepareStatements(
                (Connection)
                        Proxy.newProxyInstance(
                                LastWinsBatchExecutorTest.class.getClassLoader(),
                                new Class<?>[] {Connection.class},
                                (proxy, method, args) -> statement()));
        executor.addToBatch(new String[] {"a", "a1"});
        executor.addToBatch(new String[] {"b", "b1"});
        executor.addToBatch(new String[] {"a", "a2"});

        assertThatThrownBy(executor::executeBatch).isInstanceOf(SQLException.class);
        assertThat(executor.pending()).isEqualTo(2);
        fail[0] = false;
        executor.executeBatch();
        assertThat(executor.pending()).isZero();
        // The same rows both times; a re-added key moves to the end.
        assertThat(written).containsExactly(List.of("b1", "a2"), List.of("b1", "a2"));
        executor.executeBatch();
        assertThat(written).hasSize(2);
    }

    /** A statement that accepts everything the executor calls on it. */
    private static PreparedStatement statement() {
        return (PreparedStatement)
                Proxy.newProxyInstance(
                        LastWinsBatchExecutorTest.class.getClassLoader(),
                        new Class<?>[] {PreparedStatement.class},
                        (proxy, method, args) -> null);
    }
}
