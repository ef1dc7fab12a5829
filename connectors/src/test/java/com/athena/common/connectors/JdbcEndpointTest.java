package com.athena.common.connectors;

import com.athena.common.config.ServiceEnvironment;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcEndpointTest {

    @TempDir Path emptyDirectory;

    @ParameterizedTest
    @CsvSource({
        "jdbc:postgresql://h:5432/db, jdbc:postgresql://h:5432/db?reWriteBatchedInserts=true",
        "jdbc:postgresql://h/db?sslmode=disable, jdbc:postgresql://h/db?sslmode=disable&reWriteBatchedInserts=true",
        "jdbc:postgresql://h/db?a=1&b=2, jdbc:postgresql://h/db?a=1&b=2&reWriteBatchedInserts=true",
        // an explicit setting, either way, is kept as it is
        "jdbc:postgresql://h/db?reWriteBatchedInserts=false, jdbc:postgresql://h/db?reWriteBatchedInserts=false",
        "jdbc:postgresql://h/db?a=1&reWriteBatchedInserts=true, jdbc:postgresql://h/db?a=1&reWriteBatchedInserts=true",
    })
    void batchRewriteIsAddedUnlessSetExplicitly(String url, String expected) {
        assertThat(JdbcEndpoint.withBatchRewrite(url)).isEqualTo(expected);
        assertThat(new JdbcEndpoint(url, "u", "p").url()).isEqualTo(expected);
    }

    @Test
    void connectionOptionsCarryUrlDriverAndCredentials() {
        JdbcConnectionOptions options =
                new JdbcEndpoint("jdbc:postgresql://h/db", "athena", "s3cret").connectionOptions();
        assertThat(options.getDbURL())
                .isEqualTo("jdbc:postgresql://h/db?reWriteBatchedInserts=true");
        assertThat(options.getDriverName()).isEqualTo("org.postgresql.Driver");
        assertThat(options.getUsername()).contains("athena");
        assertThat(options.getPassword()).contains("s3cret");
    }

    @Test
    void missingPasswordIsEmptyAndUrlAndUserAreRequired() {
        assertThat(
                        new JdbcEndpoint("jdbc:postgresql://h/db", "u", null)
                                .connectionOptions()
                                .getPassword())
                .contains("");
        assertThatThrownBy(() -> new JdbcEndpoint(null, "u", "p"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("url");
        assertThatThrownBy(() -> new JdbcEndpoint("jdbc:postgresql://h/db", null, "p"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("user");
    }

    @Test
    void toStringShowsUrlAndUserButNotThePassword() {
        String text = new JdbcEndpoint("jdbc:postgresql://h/db", "athena", "s3cret").toString();
        assertThat(text)
                .isEqualTo(
                        "JdbcEndpoint{jdbc:postgresql://h/db?reWriteBatchedInserts=true, user=athena}")
                .doesNotContain("s3cret");
    }

    @Test
    void postgresAndTimescaleReadTheirOwnKeys() {
        ServiceEnvironment env =
                ServiceEnvironment.load(
                        Map.of(
                                "POSTGRES_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/athena",
                                "POSTGRES_USER", "athena",
                                "POSTGRES_PASSWORD", "pw",
                                "TIMESCALEDB_JDBC_URL",
                                        "jdbc:postgresql://127.0.0.1:5432/timescaledb",
                                "TIMESCALEDB_USER", "postgres"),
                        emptyDirectory);
        JdbcEndpoint postgres = JdbcEndpoint.postgres(env);
        JdbcEndpoint timescale = JdbcEndpoint.timescale(env);
        assertThat(postgres.url())
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/athena?reWriteBatchedInserts=true");
        assertThat(postgres.user()).isEqualTo("athena");
        assertThat(postgres.connectionOptions().getPassword()).contains("pw");
        assertThat(timescale.url())
                .isEqualTo(
                        "jdbc:postgresql://127.0.0.1:5432/timescaledb?reWriteBatchedInserts=true");
        assertThat(timescale.user()).isEqualTo("postgres");
        assertThat(timescale.connectionOptions().getPassword()).contains("");
    }

    @Test
    void tlsKeysAreAppliedToTheUrlUnlessItSetsThemItself() {
        ServiceEnvironment env =
                ServiceEnvironment.load(
                        Map.of(
                                "POSTGRES_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/athena",
                                "POSTGRES_USER", "athena",
                                "POSTGRES_SSLMODE", "verify-full",
                                "POSTGRES_SSLROOTCERT", "/srv/tls dir/ca&1.crt",
                                "TIMESCALEDB_JDBC_URL",
                                        "jdbc:postgresql://127.0.0.1:5432/timescaledb?SSLMODE=disable",
                                "TIMESCALEDB_USER", "postgres",
                                "TIMESCALEDB_SSLMODE", "require",
                                "TIMESCALEDB_SSLROOTCERT", "/srv/ca.crt"),
                        emptyDirectory);
        // The path is URL-encoded: the driver decodes it, and a '&' or space cannot split it.
        assertThat(JdbcEndpoint.postgres(env).url())
                .isEqualTo(
                        "jdbc:postgresql://127.0.0.1:5432/athena?sslmode=verify-full"
                                + "&sslrootcert=%2Fsrv%2Ftls+dir%2Fca%261.crt"
                                + "&reWriteBatchedInserts=true");
        assertThat(JdbcEndpoint.postgresUrl(env))
                .isEqualTo(
                        "jdbc:postgresql://127.0.0.1:5432/athena?sslmode=verify-full"
                                + "&sslrootcert=%2Fsrv%2Ftls+dir%2Fca%261.crt");
        // The URL's own sslmode wins (any case); the root certificate is still added.
        assertThat(JdbcEndpoint.timescale(env).url())
                .isEqualTo(
                        "jdbc:postgresql://127.0.0.1:5432/timescaledb?SSLMODE=disable"
                                + "&sslrootcert=%2Fsrv%2Fca.crt&reWriteBatchedInserts=true");
    }

    @ParameterizedTest
    @CsvSource({
        "jdbc:postgresql://h/db, sslmode, false",
        "jdbc:postgresql://h/db?sslmode=require, sslmode, true",
        "jdbc:postgresql://h/db?a=1&sslmode, sslmode, true",
        "jdbc:postgresql://h/db?xsslmode=require, sslmode, false",
        "jdbc:postgresql://h/db?sslrootcert=x, sslmode, false",
    })
    void hasParameterMatchesWholeNames(String url, String name, boolean expected) {
        assertThat(JdbcEndpoint.hasParameter(url, name)).isEqualTo(expected);
    }

    @Test
    void missingUrlNamesTheKey() {
        ServiceEnvironment env =
                ServiceEnvironment.load(Map.of("POSTGRES_USER", "u"), emptyDirectory);
        assertThatThrownBy(() -> JdbcEndpoint.postgres(env))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("POSTGRES_JDBC_URL is not set");
    }
}
