package com.athena.bench;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.config.ServiceKeys;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.common.sql.SchemaMigrator;
import com.athena.jobs.market.MarketJdbcSinks;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * Rows/s into the jobs' {@code market_data} hypertable on TimescaleDB, side by side: the job's JDBC
 * upsert sink (one {@code INSERT ... SELECT unnest(...) ... ON CONFLICT} of column arrays per
 * batch) against a raw binary {@code COPY} of the same rows and a COPY-into-staging plus one
 * merging {@code INSERT ... ON CONFLICT} per batch; and the same rows by COPY and by the job's sink
 * into a plain {@code market_data} table of plain PostgreSQL on the same server, for the cost of
 * the hypertable.
 *
 * <p>Runs in its own schema ({@code bench}) of each database, so the tables other work uses are
 * never touched. The rows are real: the 1-minute bars of the Bitstamp trades with their indicators,
 * repeated for several symbols.
 *
 * <p>Usage: {@code PostgresSinkBench OUT.md [symbols] [repetitions]}.
 */
public final class PostgresSinkBench {
    static final String SCHEMA = "bench";

    static final String COLUMNS =
            "symbol, timeframe, ts, open, high, low, close, volume, trade_count, ema_9, ema_21,"
                    + " ema_50, ema_200, rsi_14, macd, macd_signal, macd_histogram, bb_upper,"
                    + " bb_middle, bb_lower, atr_14, trend_direction, volatility_regime, source";

    static final String UPDATE_SET =
            " ON CONFLICT (symbol, timeframe, ts) DO UPDATE SET open = EXCLUDED.open,"
                    + " high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,"
                    + " volume = EXCLUDED.volume, trade_count = EXCLUDED.trade_count,"
                    + " ema_9 = EXCLUDED.ema_9, ema_21 = EXCLUDED.ema_21, ema_50 = EXCLUDED.ema_50,"
                    + " ema_200 = EXCLUDED.ema_200, rsi_14 = EXCLUDED.rsi_14, macd = EXCLUDED.macd,"
                    + " macd_signal = EXCLUDED.macd_signal, macd_histogram = EXCLUDED.macd_histogram,"
                    + " bb_upper = EXCLUDED.bb_upper, bb_middle = EXCLUDED.bb_middle,"
                    + " bb_lower = EXCLUDED.bb_lower, atr_14 = EXCLUDED.atr_14,"
                    + " trend_direction = EXCLUDED.trend_direction,"
                    + " volatility_regime = EXCLUDED.volatility_regime, source = EXCLUDED.source";

    /** The job's market_data sink. */
    static final BiFunction<JdbcEndpoint, JdbcExecutionOptions, Sink<MarketBar>> JOB_SINK =
            (endpoint, options) -> MarketJdbcSinks.marketData(endpoint, options, "bench");

    /** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
    static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private PostgresSinkBench() {}

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "target/bench/postgres.md");
        int symbols = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;

        ServiceEnvironment services = ServiceEnvironment.load();
        // The hypertable: the timescaledb database, the extension's functions in public.
        JdbcEndpoint hyper =
                inSchema(
                        JdbcEndpoint.timescale(services),
                        services.get(ServiceKeys.TIMESCALEDB_PASSWORD, ""),
                        SCHEMA + ",public");
        // The plain table: the athena database, the same server.
        JdbcEndpoint plain =
                inSchema(
                        JdbcEndpoint.postgres(services),
                        services.get(ServiceKeys.POSTGRES_PASSWORD, ""),
                        SCHEMA);
        List<SchemaMigrator.Migration> migrations =
                SchemaMigrator.read(SchemaMigrator.locateDirectory());
        try {
            run(out, symbols, reps, hyper, plain, prepareHypertable(hyper, migrations), migrations);
        } finally {
            // The tests of the timescaledb database look at every schema's hypertables and
            // policies: leave nothing there.
            dropHypertableSchema(hyper);
        }
    }

    private static void run(
            Path out,
            int symbols,
            int reps,
            JdbcEndpoint hyper,
            JdbcEndpoint plain,
            String hyperSetup,
            List<SchemaMigrator.Migration> migrations)
            throws Exception {
        String plainSetup = preparePlainTable(plain, migrations);
        String version;
        try (Connection c = hyper.open();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT current_setting('server_version'), extversion"
                                        + " FROM pg_extension WHERE extname = 'timescaledb'")) {
            rs.next();
            version = "PostgreSQL " + rs.getString(1) + ", TimescaleDB " + rs.getString(2);
        }
        int batch = CommonOptions.JDBC_BATCH_SIZE.defaultValue();
        List<MarketBar> rows = rows(symbols);
        int n = rows.size();
        int warmUp = Math.min(n, 5000);

        // Warm-up of each path on each table (JIT, driver, plan cache), not reported.
        for (JdbcEndpoint endpoint : List.of(hyper, plain)) {
            truncate(endpoint);
            copyBinary(endpoint, rows.subList(0, warmUp));
            truncate(endpoint);
            upsertJob(endpoint, symbols, warmUp / symbols, batch, JOB_SINK);
        }
        truncate(hyper);
        stagedMerge(hyper, rows.subList(0, warmUp), batch);

        // Rows/s per repetition of each path; the ratios are taken within a repetition.
        double[][] x = new double[Path5.values().length][reps];
        long[] discard = new long[reps];
        String chunks = "";
        for (int r = 0; r < reps; r++) {
            // Which table goes first alternates, so neither always meets a warmer server.
            List<JdbcEndpoint> order = r % 2 == 0 ? List.of(hyper, plain) : List.of(plain, hyper);
            for (JdbcEndpoint endpoint : order) {
                boolean h = endpoint == hyper;
                truncate(endpoint);
                x[(h ? Path5.HYPER_COPY : Path5.PLAIN_COPY).ordinal()][r] =
                        n * 1e9 / copyBinary(endpoint, rows);
                check(endpoint, n);
                if (h) {
                    chunks = chunks(hyper);
                }
                truncate(endpoint);
                x[(h ? Path5.HYPER_UPSERT : Path5.PLAIN_UPSERT).ordinal()][r] =
                        n * 1e9 / upsertJob(endpoint, symbols, n / symbols, batch, JOB_SINK);
                check(endpoint, n);
            }
            truncate(hyper);
            x[Path5.HYPER_MERGE.ordinal()][r] = n * 1e9 / stagedMerge(hyper, rows, batch);
            check(hyper, n);
            discard[r] = discardJob(symbols, n / symbols);
            StringBuilder line = new StringBuilder("[bench] repetition " + (r + 1) + " rows/s:");
            for (Path5 path : Path5.values()) {
                line.append(String.format(Locale.ROOT, " %s %.0f", path, x[path.ordinal()][r]));
            }
            System.err.println(line);
        }
        truncate(hyper);
        truncate(plain);

        StringBuilder sb = new StringBuilder();
        sb.append("## 3. PostgreSQL sink: the `market_data` hypertable (")
                .append(version)
                .append(")\n\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%,d rows of `market_data` (real 1m bars with indicators, %d symbol(s)), one"
                                + " writer, JDBC batch size %d (the job's default), the table"
                                + " emptied (`TRUNCATE`) before each load, %d repetitions with the"
                                + " paths interleaved. Figures: median (min to max) over the"
                                + " repetitions; each ratio is computed within a repetition, then"
                                + " its median (min to max) taken.%n%n"
                                + "- hypertable: %s%n"
                                + "- plain table: %s%n"
                                + "- both on the same server, from the same `sql/timescaledb`"
                                + " files; after a COPY the hypertable held %s.%n%n",
                        n,
                        symbols,
                        batch,
                        reps,
                        hyperSetup,
                        plainSetup,
                        chunks));
        sb.append("| path | hypertable rows/s | plain table rows/s | hypertable vs plain |\n");
        sb.append("|---|---|---|---|\n");
        sb.append(
                pair(
                        "raw `COPY ... FROM STDIN (FORMAT binary)`, one stream",
                        x,
                        Path5.HYPER_COPY,
                        Path5.PLAIN_COPY));
        sb.append(
                pair(
                        "the job's upsert sink (`MarketJdbcSinks.marketData`: one `INSERT ... SELECT"
                                + " unnest(?::float8[]), ... ON CONFLICT DO UPDATE` of column"
                                + " arrays per batch), in a MiniCluster job",
                        x,
                        Path5.HYPER_UPSERT,
                        Path5.PLAIN_UPSERT));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| binary COPY into a temp staging table + one `INSERT ... SELECT DISTINCT"
                                + " ON ... ON CONFLICT DO UPDATE` per batch of %d | %s | | |%n",
                        batch,
                        stat(x[Path5.HYPER_MERGE.ordinal()], "%,.0f")));
        sb.append("\n| ratio (per repetition) | median (min to max) | goal |\n|---|---|---|\n");
        sb.append(
                ratio(
                        "hypertable: job's upsert sink / raw COPY",
                        x,
                        Path5.HYPER_UPSERT,
                        Path5.HYPER_COPY,
                        "≥ 0.5x"));
        sb.append(
                ratio(
                        "hypertable: COPY+merge / raw COPY",
                        x,
                        Path5.HYPER_MERGE,
                        Path5.HYPER_COPY,
                        ""));
        sb.append(
                ratio(
                        "plain table: job's upsert sink / raw COPY",
                        x,
                        Path5.PLAIN_UPSERT,
                        Path5.PLAIN_COPY,
                        ""));
        sb.append(
                ratio(
                        "raw COPY: hypertable / plain table",
                        x,
                        Path5.HYPER_COPY,
                        Path5.PLAIN_COPY,
                        ""));
        sb.append(
                ratio(
                        "job's upsert sink: hypertable / plain table",
                        x,
                        Path5.HYPER_UPSERT,
                        Path5.PLAIN_UPSERT,
                        ""));
        double[] discardMs = new double[reps];
        for (int r = 0; r < reps; r++) {
            discardMs[r] = discard[r] / 1e6;
        }
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%nThe job's sink binds one array per column and runs one statement per"
                                + " batch, an upsert that a replay may repeat (COPY cannot: a"
                                + " replayed row fails on its key). The upsert figures include the"
                                + " job around the sink (its deployment and start, the sink opening"
                                + " its connection); the same job with a discarding sink took %s ms"
                                + " for these rows.%n",
                        stat(discardMs, "%,.0f")));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, sb.toString());
        BenchSummary.writePart(
                out.toAbsolutePath().getParent(),
                "postgres",
                java.util.Map.of(
                        "jdbc_vs_copy",
                        BenchSummary.median(ratios(x, Path5.HYPER_UPSERT, Path5.HYPER_COPY))));
    }

    /** The measured paths. */
    enum Path5 {
        HYPER_COPY,
        HYPER_UPSERT,
        HYPER_MERGE,
        PLAIN_COPY,
        PLAIN_UPSERT
    }

    private static String pair(String name, double[][] x, Path5 hyper, Path5 plain) {
        return String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s |%n",
                name,
                stat(x[hyper.ordinal()], "%,.0f"),
                stat(x[plain.ordinal()], "%,.0f"),
                stat(ratios(x, hyper, plain), "%.2fx"));
    }

    private static String ratio(String name, double[][] x, Path5 a, Path5 b, String goal) {
        return String.format(
                Locale.ROOT, "| %s | %s | %s |%n", name, stat(ratios(x, a, b), "%.2fx"), goal);
    }

    /** a / b within each repetition. */
    static double[] ratios(double[][] x, Path5 a, Path5 b) {
        double[] r = new double[x[a.ordinal()].length];
        for (int i = 0; i < r.length; i++) {
            r[i] = x[a.ordinal()][i] / x[b.ordinal()][i];
        }
        return r;
    }

    /** "median (min to max)", or the one value of a single repetition. */
    static String stat(double[] xs, String format) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int k = s.length;
        double median = k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
        String m = String.format(Locale.ROOT, format, median);
        if (k == 1) {
            return m;
        }
        return m
                + " ("
                + String.format(Locale.ROOT, format, s[0])
                + " to "
                + String.format(Locale.ROOT, format, s[k - 1])
                + ")";
    }

    private static JdbcEndpoint inSchema(JdbcEndpoint base, String password, String searchPath) {
        String url = base.url();
        return new JdbcEndpoint(
                url + (url.contains("?") ? "&" : "?") + "currentSchema=" + searchPath,
                base.user(),
                password);
    }

    /**
     * The jobs' migrations, all of them, in the timescaledb database's {@code bench} schema: the
     * same hypertable as {@code public.market_data} (one-day chunks, the same indexes, the
     * continuous aggregates' invalidation on every write, compression settings). The bench schema's
     * background jobs are paused: the bars are of 2013, so the retention, compression and refresh
     * policies would otherwise delete, compress or read them in the middle of a load.
     */
    static String prepareHypertable(JdbcEndpoint hyper, List<SchemaMigrator.Migration> migrations)
            throws SQLException {
        dropHypertableSchema(hyper); // what a killed run left: start from nothing
        try (Connection c = hyper.open();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + SCHEMA);
            SchemaMigrator.apply(c, migrations);
            int paused = 0;
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT count(*) FROM timescaledb_information.jobs j,"
                                    + " LATERAL alter_job(j.job_id, scheduled => false)"
                                    + " WHERE j.hypertable_schema = '"
                                    + SCHEMA
                                    + "' OR j.proc_schema = '"
                                    + SCHEMA
                                    + "'")) {
                rs.next();
                paused = rs.getInt(1);
            }
            String interval;
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT time_interval::text FROM timescaledb_information.dimensions"
                                    + " WHERE hypertable_schema = '"
                                    + SCHEMA
                                    + "' AND hypertable_name = 'market_data'")) {
                if (!rs.next()) {
                    throw new IllegalStateException(SCHEMA + ".market_data is no hypertable");
                }
                interval = rs.getString(1);
            }
            return String.format(
                    Locale.ROOT,
                    "`market_data` in the `timescaledb` database, a hypertable with chunks of %s,"
                            + " its primary key and 3 indexes, the 5m/15m/1h continuous aggregates"
                            + " over it, compression enabled; the schema's %d policy jobs paused",
                    interval,
                    paused);
        }
    }

    /** The bench schema of the timescaledb database, its policy jobs first. */
    static void dropHypertableSchema(JdbcEndpoint hyper) throws SQLException {
        try (Connection c = hyper.open();
                Statement st = c.createStatement()) {
            st.execute(
                    "SELECT delete_job(j.job_id) FROM timescaledb_information.jobs j"
                            + " WHERE j.hypertable_schema = '"
                            + SCHEMA
                            + "' OR j.proc_schema = '"
                            + SCHEMA
                            + "'");
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    /**
     * The portable migrations (the {@code -- @timescaledb} statements left out) in the athena
     * database's {@code bench} schema: a plain table with the same key and indexes. The server has
     * TimescaleDB installed, so the migrator would create the extension here too; it is not given
     * the chance, and a hypertable left by an older run is replaced.
     */
    static String preparePlainTable(JdbcEndpoint plain, List<SchemaMigrator.Migration> migrations)
            throws SQLException {
        try (Connection c = plain.open();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            boolean extension;
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'")) {
                rs.next();
                extension = rs.getLong(1) > 0;
            }
            if (extension) {
                try (ResultSet rs =
                        st.executeQuery(
                                "SELECT count(*) FROM timescaledb_information.hypertables"
                                        + " WHERE hypertable_schema = '"
                                        + SCHEMA
                                        + "' AND hypertable_name = 'market_data'")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        st.execute("DROP TABLE " + SCHEMA + ".market_data CASCADE");
                    }
                }
            }
            SchemaMigrator.apply(c, migrations.stream().filter(m -> !m.timescaleOnly()).toList());
            return "`market_data` in the `athena` database, a plain heap table with the same"
                    + " primary key and 3 indexes"
                    + (extension ? " (TimescaleDB is created in that database, not used)" : "");
        }
    }

    /** How many chunks the hypertable has, and their widths. */
    private static String chunks(JdbcEndpoint hyper) throws SQLException {
        try (Connection c = hyper.open();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT count(*), string_agg(DISTINCT (range_end - range_start)"
                                        + "::text, ', ') FROM timescaledb_information.chunks"
                                        + " WHERE hypertable_schema = '"
                                        + SCHEMA
                                        + "' AND hypertable_name = 'market_data'")) {
            rs.next();
            return rs.getLong(1) + " chunks of " + rs.getString(2);
        }
    }

    /** The bars of the real trades with their indicators, once per symbol. */
    static List<MarketBar> rows(int symbols) {
        BenchData d = BenchData.get();
        List<MarketBar> rows = new ArrayList<>(d.bars() * symbols);
        for (int s = 0; s < symbols; s++) {
            rows.addAll(rowsOf(d, "SYM" + s));
        }
        return rows;
    }

    static List<MarketBar> rowsOf(BenchData d, String symbol) {
        List<MarketBar> rows = new ArrayList<>(d.bars());
        IndicatorState state = new IndicatorState(Timeframe.M1);
        for (int i = 0; i < d.bars(); i++) {
            Bar bar =
                    new Bar(
                            symbol,
                            Timeframe.M1.label(),
                            d.barOpenTime[i],
                            d.open[i],
                            d.high[i],
                            d.low[i],
                            d.close[i],
                            d.volume[i],
                            1);
            IndicatorValues values = new IndicatorValues();
            state.update(bar, values);
            rows.add(new MarketBar(bar, values));
        }
        return rows;
    }

    private static void truncate(JdbcEndpoint endpoint) throws SQLException {
        try (Connection c = endpoint.open();
                Statement st = c.createStatement()) {
            st.execute("TRUNCATE market_data");
        }
    }

    private static void check(JdbcEndpoint endpoint, int n) throws SQLException {
        try (Connection c = endpoint.open();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM market_data")) {
            rs.next();
            if (rs.getLong(1) != n) {
                throw new IllegalStateException("expected " + n + " rows, found " + rs.getLong(1));
            }
        }
    }

    /** Raw binary COPY of all rows in one stream; returns nanoseconds. */
    static long copyBinary(JdbcEndpoint endpoint, List<MarketBar> rows)
            throws SQLException, IOException {
        try (Connection c = endpoint.open()) {
            long start = System.nanoTime();
            copyInto(c, "market_data", rows);
            return System.nanoTime() - start;
        }
    }

    private static void copyInto(Connection c, String table, List<MarketBar> rows)
            throws SQLException, IOException {
        String sql = "COPY " + table + " (" + COLUMNS + ") FROM STDIN (FORMAT binary)";
        try (DataOutputStream out =
                new DataOutputStream(
                        new BufferedOutputStream(
                                new PGCopyOutputStream(c.unwrap(PGConnection.class), sql),
                                1 << 16))) {
            writeBinary(out, rows);
        }
    }

    /** PostgreSQL's binary COPY format: signature, flags, extension, tuples, trailer. */
    static void writeBinary(DataOutputStream out, List<MarketBar> rows) throws IOException {
        out.writeBytes("PGCOPY\n");
        out.write(0xFF);
        out.writeBytes("\r\n");
        out.write(0);
        out.writeInt(0); // flags: no OIDs
        out.writeInt(0); // header extension length
        for (MarketBar m : rows) {
            Bar b = m.bar;
            double[] v = m.indicators.toArray();
            out.writeShort(24);
            text(out, b.symbol);
            text(out, b.timeframe);
            out.writeInt(8);
            out.writeLong(b.openTime * 1000L - PG_EPOCH_MICROS);
            float8(out, b.open);
            float8(out, b.high);
            float8(out, b.low);
            float8(out, b.close);
            float8(out, b.volume);
            out.writeInt(8);
            out.writeLong(b.tradeCount);
            for (double x : v) {
                // NaN means "not warmed up", stored as NULL as the upsert path does.
                if (Double.isNaN(x)) {
                    out.writeInt(-1);
                } else {
                    float8(out, x);
                }
            }
            text(
                    out,
                    m.indicators.trendDirection == null
                            ? null
                            : m.indicators.trendDirection.label());
            text(
                    out,
                    m.indicators.volatilityRegime == null
                            ? null
                            : m.indicators.volatilityRegime.label());
            text(out, "bench");
        }
        out.writeShort(-1);
    }

    private static void float8(DataOutputStream out, double x) throws IOException {
        out.writeInt(8);
        out.writeDouble(x);
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * Per batch, in one transaction: binary COPY into a temp table, then one INSERT ... SELECT ...
     * ON CONFLICT DO UPDATE, the last row per key winning as in the job's sink; returns
     * nanoseconds.
     */
    static long stagedMerge(JdbcEndpoint endpoint, List<MarketBar> rows, int batch)
            throws SQLException, IOException {
        try (Connection c = endpoint.open();
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE TEMP TABLE market_data_stage (LIKE market_data INCLUDING DEFAULTS,"
                            + " seq BIGSERIAL) ON COMMIT DELETE ROWS");
            c.setAutoCommit(false);
            String merge =
                    "INSERT INTO market_data ("
                            + COLUMNS
                            + ") SELECT DISTINCT ON (symbol, timeframe, ts) "
                            + COLUMNS
                            + " FROM market_data_stage ORDER BY symbol, timeframe, ts, seq DESC"
                            + UPDATE_SET;
            long start = System.nanoTime();
            for (int from = 0; from < rows.size(); from += batch) {
                copyInto(
                        c,
                        "market_data_stage",
                        rows.subList(from, Math.min(rows.size(), from + batch)));
                st.executeUpdate(merge);
                c.commit();
            }
            return System.nanoTime() - start;
        }
    }

    /**
     * A MiniCluster job, parallelism 1, of the rows into an upsert sink ({@code sink} of the
     * endpoint and the job's execution options); returns nanoseconds.
     */
    static long upsertJob(
            JdbcEndpoint endpoint,
            int symbols,
            int barsPerSymbol,
            int batch,
            BiFunction<JdbcEndpoint, JdbcExecutionOptions, Sink<MarketBar>> sink)
            throws Exception {
        JdbcExecutionOptions options =
                JdbcExecutionOptions.builder()
                        .withBatchSize(batch)
                        .withBatchIntervalMs(
                                CommonOptions.JDBC_BATCH_INTERVAL.defaultValue().toMillis())
                        .withMaxRetries(0)
                        .build();
        StreamExecutionEnvironment env = env();
        source(env, symbols, barsPerSymbol)
                .sinkTo(sink.apply(endpoint, options))
                .uid("bench-upsert");
        JobExecutionResult result = env.execute("bench-upsert");
        return result.getNetRuntime() * 1_000_000L;
    }

    /** The same job with a discarding sink: the overhead around the sink; returns nanoseconds. */
    static long discardJob(int symbols, int barsPerSymbol) throws Exception {
        StreamExecutionEnvironment env = env();
        source(env, symbols, barsPerSymbol).sinkTo(new DiscardingSink<>()).uid("bench-discard");
        return env.execute("bench-discard").getNetRuntime() * 1_000_000L;
    }

    private static StreamExecutionEnvironment env() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        return env;
    }

    private static org.apache.flink.streaming.api.datastream.DataStreamSource<MarketBar> source(
            StreamExecutionEnvironment env, int symbols, int barsPerSymbol) {
        long n = (long) symbols * barsPerSymbol;
        return env.fromSource(
                new DataGeneratorSource<>(
                        new RowGenerator(symbols, barsPerSymbol),
                        n,
                        TypeInformation.of(MarketBar.class)),
                WatermarkStrategy.noWatermarks(),
                "bench-rows",
                TypeInformation.of(MarketBar.class));
    }

    /** Row {@code i} of {@link #rows}, computed once per reader. */
    static final class RowGenerator implements GeneratorFunction<Long, MarketBar> {
        private static final long serialVersionUID = 1L;
        private final int symbols;
        private final int barsPerSymbol;
        private transient List<MarketBar> rows;

        RowGenerator(int symbols, int barsPerSymbol) {
            this.symbols = symbols;
            this.barsPerSymbol = barsPerSymbol;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            rows = rows(symbols);
        }

        @Override
        public MarketBar map(Long index) {
            long i = index;
            int s = (int) (i / barsPerSymbol);
            int b = (int) (i % barsPerSymbol);
            return rows.get(s * BenchData.get().bars() + b);
        }
    }
}
