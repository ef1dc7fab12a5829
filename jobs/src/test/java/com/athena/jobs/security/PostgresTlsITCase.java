package com.athena.jobs.security;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.config.ServiceKeys;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The jobs reach PostgreSQL over verified TLS when the environment asks for it: {@code
 * POSTGRES_SSLMODE=verify-full} and {@code POSTGRES_SSLROOTCERT} (which {@code bin/services up}
 * exports for its local CA) give an encrypted session, and a server certificate from another CA is
 * refused.
 */
@RequiresServices(RealService.POSTGRES)
class PostgresTlsITCase {

    private static final String RESTART =
            " `bin/services up postgres` starts PostgreSQL with TLS and exports the CA into"
                    + " target/services.env (a cluster started by an older bin/services is"
                    + " restarted by it)";

    @Test
    void verifyFullWithTheLocalCaGivesAnEncryptedSession() throws Exception {
        ServiceEnvironment env = ServiceEnvironment.load();
        assertThat(env.get(ServiceKeys.POSTGRES_SSLMODE))
                .as(ServiceKeys.POSTGRES_SSLMODE + " is not set:" + RESTART)
                .contains("verify-full");
        assertThat(env.get(ServiceKeys.POSTGRES_SSLROOTCERT))
                .as(ServiceKeys.POSTGRES_SSLROOTCERT + " is not set:" + RESTART)
                .isPresent();
        JdbcEndpoint endpoint = JdbcEndpoint.postgres(env);
        assertThat(endpoint.url()).contains("sslmode=verify-full").contains("sslrootcert=");
        try (Connection c = endpoint.open();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("the session is encrypted").isTrue();
            assertThat(rs.getString(2)).startsWith("TLSv1.");
        }
    }

    @Test
    void verifyFullWithAnotherCaIsRefused(@TempDir Path dir) throws Exception {
        ServiceEnvironment env = ServiceEnvironment.load();
        Path otherCa = dir.resolve("other-ca.crt");
        Process p =
                new ProcessBuilder(
                                "openssl",
                                "req",
                                "-x509",
                                "-newkey",
                                "rsa:2048",
                                "-nodes",
                                "-days",
                                "1",
                                "-subj",
                                "/CN=not the athena CA",
                                "-keyout",
                                dir.resolve("other-ca.key").toString(),
                                "-out",
                                otherCa.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("openssl.log").toFile())
                        .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("openssl finishes").isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();

        JdbcEndpoint endpoint =
                new JdbcEndpoint(
                        JdbcEndpoint.withTls(
                                env.require(ServiceKeys.POSTGRES_JDBC_URL),
                                Optional.of("verify-full"),
                                Optional.of(otherCa.toString())),
                        env.require(ServiceKeys.POSTGRES_USER),
                        env.get(ServiceKeys.POSTGRES_PASSWORD, ""));
        assertThatThrownBy(endpoint::open)
                .isInstanceOf(SQLException.class)
                .satisfies(
                        e ->
                                assertThat(rootMessage(e))
                                        .containsAnyOf(
                                                "unable to find valid certification path",
                                                "PKIX path")
                                        .as("refused for the certificate, not for the password"));
    }

    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
