package com.athena.common.sql;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Applies the ordered, idempotent migrations of {@code sql/timescaledb/} to TimescaleDB or plain
 * PostgreSQL: statements marked {@code -- @timescaledb} run only where that extension exists, so
 * one copy of the schema serves both.
 */
public final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    /** The marker line that makes the next statement TimescaleDB-only. */
    public static final String TIMESCALE_ONLY = "-- @timescaledb";

    static final String DEFAULT_DIRECTORY = "sql/timescaledb";

    private SchemaMigrator() {}

    /** One statement of a migration file. */
    public record Migration(String file, String sql, boolean timescaleOnly) {}

    /** Finds {@code sql/timescaledb} from the working directory or one of its parents. */
    public static Path locateDirectory() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(DEFAULT_DIRECTORY);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "No " + DEFAULT_DIRECTORY + " directory above " + Paths.get("").toAbsolutePath());
    }

    /** Reads every {@code V*.sql} file in version order and splits it into statements. */
    public static List<Migration> read(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files =
                    listing.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql"))
                            // By version number: V10 comes after V2 whatever the padding.
                            .sorted(Comparator.comparingLong(SchemaMigrator::version))
                            .toList();
        }
        List<Migration> result = new ArrayList<>();
        for (Path file : files) {
            result.addAll(
                    split(
                            file.getFileName().toString(),
                            Files.readString(file, StandardCharsets.UTF_8)));
        }
        return result;
    }

    static long version(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(1, name.indexOf("__")));
    }

    /** Splits a script on semicolons that end a line, outside dollar-quoted bodies. */
    static List<Migration> split(String file, String script) {
        List<Migration> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean timescaleOnly = false;
        boolean inDollarQuote = false;
        for (String line : script.split("\n", -1)) {
            String trimmed = line.trim();
            if (current.length() == 0 && trimmed.equals(TIMESCALE_ONLY)) {
                timescaleOnly = true;
                continue;
            }
            if (current.length() == 0 && (trimmed.isEmpty() || trimmed.startsWith("--"))) {
                continue;
            }
            current.append(line).append('\n');
            int dollars = line.split("\\$\\$", -1).length - 1;
            if (dollars % 2 == 1) {
                inDollarQuote = !inDollarQuote;
            }
            if (!inDollarQuote && trimmed.endsWith(";")) {
                statements.add(new Migration(file, current.toString().trim(), timescaleOnly));
                current.setLength(0);
                timescaleOnly = false;
            }
        }
        if (current.toString().trim().length() > 0) {
            throw new IllegalArgumentException(file + ": the last statement has no semicolon");
        }
        return statements;
    }

    /**
     * Whether this database has the TimescaleDB extension. Not whether the server could load it:
     * one server may serve a plain database next to a Timescale one (the local services do), and
     * creating the extension takes a superuser, who decides which database gets it.
     */
    public static boolean timescaleInstalled(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** Applies every migration that fits this server; returns how many statements ran. */
    public static int apply(Connection connection, List<Migration> migrations) throws SQLException {
        boolean timescale = timescaleInstalled(connection);
        int applied = 0;
        try (Statement st = connection.createStatement()) {
            for (Migration migration : migrations) {
                if (migration.timescaleOnly() && !timescale) {
                    continue;
                }
                try {
                    st.execute(migration.sql());
                } catch (SQLException e) {
                    throw new SQLException(
                            migration.file()
                                    + " failed: "
                                    + e.getMessage()
                                    + "\n"
                                    + migration.sql(),
                            e.getSQLState(),
                            e);
                }
                applied++;
            }
        }
        LOG.info("Applied {} statements (TimescaleDB: {})", applied, timescale);
        return applied;
    }

    /** Applies {@code sql/timescaledb} as found from the working directory. */
    public static int apply(Connection connection) throws SQLException, IOException {
        return apply(connection, read(locateDirectory()));
    }
}
