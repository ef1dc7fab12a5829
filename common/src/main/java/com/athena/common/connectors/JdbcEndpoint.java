package com.athena.common.connectors;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.config.ServiceKeys;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;

/** A PostgreSQL-protocol database the jobs write to: plain PostgreSQL or TimescaleDB. */
public final class JdbcEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Without it the driver sends one round trip per row of a batch. */
    static final String BATCH_REWRITE = "reWriteBatchedInserts=true";

    private final String url;
    private final String user;
    private final String password;

    public JdbcEndpoint(String url, String user, String password) {
        this.url = withBatchRewrite(Objects.requireNonNull(url, "url"));
        this.user = Objects.requireNonNull(user, "user");
        this.password = password == null ? "" : password;
    }

    /** The native PostgreSQL 15 endpoint named by the services env. */
    public static JdbcEndpoint postgres(ServiceEnvironment env) {
        return new JdbcEndpoint(
                env.require(ServiceKeys.POSTGRES_JDBC_URL),
                env.require(ServiceKeys.POSTGRES_USER),
                env.get(ServiceKeys.POSTGRES_PASSWORD, ""));
    }

    /** The TimescaleDB endpoint named by the services env. */
    public static JdbcEndpoint timescale(ServiceEnvironment env) {
        return new JdbcEndpoint(
                env.require(ServiceKeys.TIMESCALEDB_JDBC_URL),
                env.require(ServiceKeys.TIMESCALEDB_USER),
                env.get(ServiceKeys.TIMESCALEDB_PASSWORD, ""));
    }

    static String withBatchRewrite(String url) {
        if (url.contains("reWriteBatchedInserts=")) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + BATCH_REWRITE;
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
