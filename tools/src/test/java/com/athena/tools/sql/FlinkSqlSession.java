package com.athena.tools.sql;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A Flink SQL session for the tests, run the way the SQL client runs {@code sql/flink}: the files
 * rendered with the variables, split into statements, {@code SET} applied to the session's
 * configuration (which {@code executeSql} refuses), everything else executed, on the test's
 * MiniCluster in streaming mode.
 */
final class FlinkSqlSession implements AutoCloseable {

    /** {@code sql/flink}, found from the module directory Maven runs tests in. */
    static final Path SQL_DIR = locate();

    final StreamTableEnvironment tEnv;
    private final Function<String, Optional<String>> variables;
    private final List<Path> executed = new ArrayList<>();
    private final List<TableResult> running = new ArrayList<>();

    FlinkSqlSession(Function<String, Optional<String>> variables) {
        this.variables = variables;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        tEnv = StreamTableEnvironment.create(env, EnvironmentSettings.inStreamingMode());
        // As on the cluster (flink-conf/config.yaml): state must never fall back to Kryo, so a
        // function whose accumulator is not a proper structured type fails here.
        tEnv.getConfig().set("pipeline.generic-types", "false");
        // Likewise: every operator must carry a uid of its own.
        tEnv.getConfig().set("pipeline.auto-generate-uids", "false");
        // One partition per topic in the tests: one reader keeps arrival order simple to state.
        tEnv.getConfig().set("parallelism.default", "1");
    }

    /** Runs init.sql, then every other file in session order, as bin/sql does. */
    FlinkSqlSession runAllFiles() throws Exception {
        for (Path file : SqlScript.sessionFiles(SQL_DIR)) {
            runFile(file);
        }
        return this;
    }

    void runFile(Path file) throws Exception {
        String script = SqlScript.render(Files.readString(file, StandardCharsets.UTF_8), variables);
        for (String statement : SqlScript.statements(script)) {
            try {
                execute(statement);
            } catch (Exception e) {
                throw new AssertionError(
                        file.getFileName() + ": statement failed:\n" + statement + "\n" + e, e);
            }
        }
        executed.add(file);
    }

    /** A SET goes to the configuration; anything else to executeSql. */
    TableResult execute(String statement) {
        Optional<Map.Entry<String, String>> set = SqlScript.setStatement(statement);
        if (set.isPresent()) {
            tEnv.getConfig().set(set.get().getKey(), set.get().getValue());
            return null;
        }
        return tEnv.executeSql(statement);
    }

    List<Path> executedFiles() {
        return executed;
    }

    /** The first {@code n} rows of a (continuous) query, then the query is cancelled. */
    List<Row> first(String query, int n, Duration timeout) throws Exception {
        return first(query, n, timeout, row -> {});
    }

    /** Reacting to each row as it comes (e.g. sending more input once a bar closed). */
    List<Row> first(String query, int n, Duration timeout, RowAction onRow) throws Exception {
        List<Row> rows = new ArrayList<>();
        read(
                query,
                timeout,
                row -> {
                    try {
                        onRow.accept(row);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return rows.add(row) && rows.size() >= n;
                });
        return rows;
    }

    /** What a test does on a row of a running query. */
    interface RowAction {
        void accept(Row row) throws Exception;
    }

    /** Every row of a query that ends by itself (a JDBC scan). */
    List<Row> all(String query, Duration timeout) throws Exception {
        List<Row> rows = new ArrayList<>();
        read(query, timeout, row -> !rows.add(row));
        return rows;
    }

    /**
     * Reads a changelog, applying each change to the result it describes, until {@code done}
     * accepts that result; then keeps reading for {@code settle}, so that a result which only
     * passes through the expected state fails, and returns the result.
     */
    List<Row> materializeUntil(
            String query, Predicate<List<Row>> done, Duration settle, Duration timeout)
            throws Exception {
        List<Row> result = new ArrayList<>();
        long[] settledAt = {Long.MAX_VALUE};
        read(
                query,
                timeout,
                row -> {
                    apply(result, row);
                    return false;
                },
                () -> {
                    if (settledAt[0] == Long.MAX_VALUE && done.test(result)) {
                        settledAt[0] = System.nanoTime() + settle.toNanos();
                    }
                    return System.nanoTime() >= settledAt[0];
                });
        return result;
    }

    /** A change of a changelog applied to the rows it changes (kinds compared away). */
    static void apply(List<Row> result, Row change) {
        Row row = Row.copy(change);
        row.setKind(RowKind.INSERT);
        switch (change.getKind()) {
            case INSERT, UPDATE_AFTER -> result.add(row);
            case UPDATE_BEFORE, DELETE -> {
                if (!result.remove(row)) {
                    throw new AssertionError("retraction of a row never inserted: " + change);
                }
            }
        }
    }

    private void read(String query, Duration timeout, Predicate<Row> stopAfter) throws Exception {
        read(query, timeout, stopAfter, () -> false);
    }

    /**
     * Runs a query and hands its rows to {@code stopAfter} until it says stop, {@code idleStop}
     * says stop between rows, or the query ends; cancels the query then. Fails after {@code
     * timeout} or when the query fails.
     */
    private void read(
            String query, Duration timeout, Predicate<Row> stopAfter, BooleanSupplier idleStop)
            throws Exception {
        TableResult result = tEnv.executeSql(query);
        running.add(result);
        CloseableIterator<Row> rows = result.collect();
        // hasNext() blocks while a continuous query waits for data: a thread feeds a queue that
        // this one polls, so the timeout and idleStop stay in charge.
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Thread feeder =
                new Thread(
                        () -> {
                            try {
                                while (rows.hasNext()) {
                                    queue.add(rows.next());
                                }
                                queue.add(END);
                            } catch (Throwable t) {
                                queue.add(t);
                            }
                        },
                        "sql-results");
        feeder.setDaemon(true);
        feeder.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!idleStop.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no end in " + timeout + " of: " + query);
                }
                Object next = queue.poll(Math.min(left, 200_000_000L), TimeUnit.NANOSECONDS);
                if (next == null) {
                    continue;
                }
                if (next == END) {
                    return;
                }
                if (next instanceof Throwable t) {
                    throw new AssertionError("query failed: " + query, t);
                }
                if (stopAfter.test((Row) next)) {
                    return;
                }
            }
        } finally {
            cancel(result);
            try {
                rows.close();
            } catch (Exception e) {
                // The job is cancelled already.
            }
        }
    }

    private static final Object END = new Object();

    private static void cancel(TableResult result) {
        Optional<JobClient> job = result.getJobClient();
        if (job.isEmpty()) {
            return;
        }
        try {
            JobStatus status = job.get().getJobStatus().get(10, TimeUnit.SECONDS);
            if (!status.isGloballyTerminalState()) {
                job.get().cancel().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // Already gone: the collect iterator's close cancels the job too.
        }
    }

    @Override
    public void close() {
        running.forEach(FlinkSqlSession::cancel);
    }

    private static Path locate() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sql/flink");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no sql/flink above " + Paths.get("").toAbsolutePath());
    }
}
