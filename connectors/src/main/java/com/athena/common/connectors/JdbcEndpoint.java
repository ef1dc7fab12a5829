package com.athena.common.connectors;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.config.ServiceKeys;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;

import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

/** A PostgreSQL-protocol database the jobs write to: plain PostgreSQL or TimescaleDB. */
public final class JdbcEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String url;
    private final String user;
    private final String password;

    public JdbcEndpoint(String url, String user, String password) {
        this.url = withBatchRewrite(Objects.requireNonNull(url, "url"));
        this.user = Objects.requireNonNull(user, "user");
        this.password = password == null ? "" : password;
    }

    /**
     * The native PostgreSQL 15 endpoint named by the services env, with {@code POSTGRES_SSLMODE}
     * and {@code POSTGRES_SSLROOTCERT} applied (see {@link #withTls}).
     */
    public static JdbcEndpoint postgres(ServiceEnvironment env) {
        return new JdbcEndpoint(
                postgresUrl(env),
                env.require(ServiceKeys.POSTGRES_USER),
                env.get(ServiceKeys.POSTGRES_PASSWORD, ""));
    }

    /** The TimescaleDB endpoint named by the services env, its TLS keys applied likewise. */
    public static JdbcEndpoint timescale(ServiceEnvironment env) {
        return new JdbcEndpoint(
                timescaleUrl(env),
                env.require(ServiceKeys.TIMESCALEDB_USER),
                env.get(ServiceKeys.TIMESCALEDB_PASSWORD, ""));
    }

    /** {@code POSTGRES_JDBC_URL} with the TLS keys applied: what every PostgreSQL client uses. */
    public static String postgresUrl(ServiceEnvironment env) {
        return withTls(
                env.require(ServiceKeys.POSTGRES_JDBC_URL),
                env.get(ServiceKeys.POSTGRES_SSLMODE),
                env.get(ServiceKeys.POSTGRES_SSLROOTCERT));
    }

    /** {@code TIMESCALEDB_JDBC_URL} with the TLS keys applied. */
    public static String timescaleUrl(ServiceEnvironment env) {
        return withTls(
                env.require(ServiceKeys.TIMESCALEDB_JDBC_URL),
                env.get(ServiceKeys.TIMESCALEDB_SSLMODE),
                env.get(ServiceKeys.TIMESCALEDB_SSLROOTCERT));
    }

    /**
     * Adds {@code sslmode} and {@code sslrootcert} to a JDBC URL. A parameter the URL already sets
     * wins: whoever wrote the URL chose it on purpose (say {@code sslmode=disable} for a server on
     * a private network that speaks no TLS).
     */
    public static String withTls(String url, Optional<String> sslMode, Optional<String> rootCert) {
        String result = url;
        if (sslMode.isPresent()) {
            result = withParameter(result, "sslmode", sslMode.get());
        }
        if (rootCert.isPresent()) {
            result = withParameter(result, "sslrootcert", rootCert.get());
        }
        return result;
    }

    /** Appends {@code name=value} (value URL-encoded, as the driver decodes it) if not set. */
    static String withParameter(String url, String name, String value) {
        if (hasParameter(url, name)) {
            return url;
        }
        return url
                + (url.contains("?") ? "&" : "?")
                + name
                + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static boolean hasParameter(String url, String name) {
        int query = url.indexOf('?');
        if (query < 0) {
            return false;
        }
        for (String pair : url.substring(query + 1).split("&")) {
            int eq = pair.indexOf('=');
            if ((eq < 0 ? pair : pair.substring(0, eq)).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Without it the driver sends one round trip per row of a batch. */
    static String withBatchRewrite(String url) {
        return withParameter(url, "reWriteBatchedInserts", "true");
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** Options for flink-connector-jdbc. */
    public JdbcConnectionOptions connectionOptions() {
        return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(url)
                .withDriverName("org.postgresql.Driver")
                .withUsername(user)
                .withPassword(password)
                .build();
    }

    /** A plain JDBC connection, for setup and for tests that read back what the jobs wrote. */
    public Connection open() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public String toString() {
        // The password stays out of logs.
        return "JdbcEndpoint{" + url + ", user=" + user + "}";
    }
}
