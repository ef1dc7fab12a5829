package com.athena.tools.sql;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Renders {@code sql/flink} into one init script for Flink's SQL client ({@code sql-client -i}):
 * every file in session order, placeholders filled in from the services env. Used by {@code
 * bin/sql} and by the compose SQL client.
 *
 * <pre>
 * SqlScriptsMain --dir sql/flink --out FILE [--database timescaledb|postgres]
 * </pre>
 *
 * <p>The output holds the database password, so it is written readable by its owner only; it
 * belongs under {@code target/} (or a container's {@code /tmp}), never in the repository.
 */
public final class SqlScriptsMain {
    static final String USAGE =
            "usage: SqlScriptsMain --dir sql/flink --out FILE [--database timescaledb|postgres]";

    /** The JDBC tables' database: these three, or the chosen service's keys. */
    public static final String JDBC_URL = "JDBC_URL";

    public static final String JDBC_USER = "JDBC_USER";
    public static final String JDBC_PASSWORD = "JDBC_PASSWORD";

    private SqlScriptsMain() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> a;
        try {
            a = options(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SqlScriptsMain: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Path dir = Paths.get(a.get("dir"));
        Path out = Paths.get(a.get("out"));
        String database = a.getOrDefault("database", "timescaledb");
        String script =
                renderSession(dir, variables(ServiceEnvironment.load(), System.getenv(), database));
        write(out, script);
        System.err.println("SqlScriptsMain: wrote " + out + " from " + dir + " (" + database + ")");
    }

    /** Every file of the session, rendered and concatenated, each under a comment naming it. */
    public static String renderSession(Path dir, Function<String, Optional<String>> variables)
            throws IOException {
        StringBuilder out = new StringBuilder();
        for (Path file : SqlScript.sessionFiles(dir)) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String rendered;
            try {
                rendered = SqlScript.render(text, variables);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            out.append("-- ===== ").append(file.getFileName()).append('\n');
            out.append(rendered.stripTrailing()).append("\n\n");
        }
        return out.toString();
    }

    /**
     * The values of the placeholders: the process environment, then the services env; {@code
     * JDBC_URL}, {@code JDBC_USER} and {@code JDBC_PASSWORD} default to the keys of {@code
     * database} ({@code timescaledb}, where the jobs write, or {@code postgres}).
     */
    public static Function<String, Optional<String>> variables(
            ServiceEnvironment services, Map<String, String> processEnv, String database) {
        String prefix =
                switch (database) {
                    case "timescaledb" -> "TIMESCALEDB_";
                    case "postgres" -> "POSTGRES_";
                    default ->
                            throw new IllegalArgumentException(
                                    "--database must be timescaledb or postgres, got " + database);
                };
        Map<String, String> jdbc =
                Map.of(
                        JDBC_URL, prefix + "JDBC_URL",
                        JDBC_USER, prefix + "USER",
                        JDBC_PASSWORD, prefix + "PASSWORD");
        return name -> {
            String explicit = processEnv.get(name);
            if (explicit != null && !explicit.isBlank()) {
                return Optional.of(explicit);
            }
            if (name.equals(JDBC_URL)) {
                // The same URL the jobs use, so the TLS keys (sslmode, sslrootcert) apply here too.
                return services.get(jdbc.get(name))
                        .map(
                                url ->
                                        JdbcEndpoint.withTls(
                                                url,
                                                services.get(prefix + "SSLMODE"),
                                                services.get(prefix + "SSLROOTCERT")));
            }
            if (jdbc.containsKey(name)) {
                Optional<String> value = services.get(jdbc.get(name));
                // A local PostgreSQL may have no password; the JDBC connector wants the option.
                return name.equals(JDBC_PASSWORD) ? Optional.of(value.orElse("")) : value;
            }
            return services.get(name);
        };
    }

    /** Writes with owner-only permissions where the file system has them. */
    static void write(Path out, String script) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.deleteIfExists(out);
        try {
            Files.createFile(
                    out,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(out);
        }
        Files.writeString(out, script, StandardCharsets.UTF_8);
    }

    private static Map<String, String> options(String[] args) {
        List<String> known = Arrays.asList("dir", "out", "database");
        java.util.HashMap<String, String> result = new java.util.HashMap<>();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            String key = rest.remove(0);
            if (!key.startsWith("--") || !known.contains(key.substring(2)) || rest.isEmpty()) {
                throw new IllegalArgumentException("unexpected argument " + key);
            }
            result.put(key.substring(2), rest.remove(0));
        }
        for (String required : List.of("dir", "out")) {
            if (!result.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        return result;
    }
}
