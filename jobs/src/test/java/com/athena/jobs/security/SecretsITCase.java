package com.athena.jobs.security;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.config.ServiceKeys;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.deadletter.DeadLetter;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Credentials come only from the environment or from files under {@code target/}: no tracked file
 * holds a secret, and no log holds a password, also when a connection fails with a wrong one.
 */
@RequiresServices(RealService.POSTGRES)
class SecretsITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    /** Short values (such as the local TimescaleDB's documented any-password) match too much. */
    private static final int MIN_SECRET_LENGTH = 12;

    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");

    /** {@code password=value}, {@code "secret": "value"}, {@code 'password' = 'value'}, ... */
    private static final Pattern ASSIGNMENT =
            Pattern.compile(
                    "(?i)([A-Za-z0-9_.-]*(?:password|passwd|secret|api[_-]?key|access[_-]?token)"
                            + "[A-Za-z0-9_.-]*)['\"]?\\s*[:=]\\s*['\"]?([^\\s'\"\\\\,;)}]*)");

    /**
     * Values that are no secret: placeholders filled from the environment ({@code ${X}}, {@code
     * $X}, {@code $(...)}), key names, code ({@code null}, {@code new}, a variable or call), shell
     * operators.
     */
    private static final Pattern PLACEHOLDER =
            Pattern.compile("[^A-Za-z0-9]*|\\$.*|[A-Z][A-Z0-9_]*|null|new|password|\\w+\\(.*");

    /**
     * The documented non-secrets: the local TimescaleDB's password (it accepts any), a fake in
     * {@code ServiceEnvironmentTest} and the name of the TLS Secret the Kubernetes manifests mount.
     */
    private static final Set<String> DOCUMENTED = Set.of("postgres", "file_secret", "athena-tls");

    @Test
    void noTrackedFileHoldsASecret() throws Exception {
        Path root = repositoryRoot();
        Set<String> secrets = secrets(root);
        List<String> findings = new ArrayList<>();
        for (String name : trackedFiles(root)) {
            Path file = root.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            // ISO-8859-1 keeps every byte: binary files (savepoints) are searched too.
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                if (text.contains(secret)) {
                    findings.add(name + ": holds a current password or key password");
                }
            }
            if (PRIVATE_KEY.matcher(text).find()) {
                findings.add(name + ": holds a private key");
            }
            // Savepoints are binary; this file spells out the very patterns it looks for.
            if (name.startsWith("jobs/src/test/resources/savepoints/")
                    || name.equals(
                            "jobs/src/test/java/com/athena/jobs/security/SecretsITCase.java")) {
                continue;
            }
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = ASSIGNMENT.matcher(lines[i]);
                while (m.find()) {
                    String value = m.group(2);
                    if (!PLACEHOLDER.matcher(value).matches() && !DOCUMENTED.contains(value)) {
                        findings.add(name + ":" + (i + 1) + ": " + m.group(1) + " has a value");
                    }
                }
            }
        }
        assertThat(findings).as("secrets in tracked files").isEmpty();
    }

    @Test
    void noLogHoldsAPasswordEvenWhenALoginFails() throws Exception {
        ServiceEnvironment env = ServiceEnvironment.load();
        JdbcEndpoint real = JdbcEndpoint.postgres(env);
        String wrongPassword = "Wr0ng-Pa55w0rd-" + UUID.randomUUID();
        JdbcEndpoint wrong =
                new JdbcEndpoint(
                        JdbcEndpoint.postgresUrl(env),
                        env.require(ServiceKeys.POSTGRES_USER),
                        wrongPassword);

        // A job whose sink logs in with the wrong password fails, and Flink logs why.
        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment failing =
                StreamExecutionEnvironment.getExecutionEnvironment(config);
        failing.fromData(
                        List.of(new DeadLetter("secrets-it", "o", 1L, "r", "p")),
                        TypeInformation.of(DeadLetter.class))
                .uid("one")
                .name("one")
                .sinkTo(JdbcSinks.deadLetters(wrong, CommonOptions.jdbcExecution(config)))
                .uid("wrong-password-sink")
                .name("wrong-password-sink");
        assertThatThrownBy(() -> failing.execute("secrets-wrong-password-it"))
                .hasStackTraceContaining("password authentication failed");
        // And one that logs in with the real password.
        try (Connection c = real.open()) {
            assertThat(c.isValid(10)).isTrue();
        }

        Path root = repositoryRoot();
        Path testLog = Paths.get("target", "test-logs", "jobs.log");
        assertThat(testLog).as("log4j2-test.properties writes the test log file").exists();
        assertThat(Files.readString(testLog, StandardCharsets.UTF_8))
                .as("the failed login was logged, so the search below means something")
                .contains("password authentication failed");

        Set<String> secrets = secrets(root);
        secrets.add(wrongPassword);
        List<Path> logs = new ArrayList<>();
        for (Path dir :
                List.of(
                        root.resolve("domain/target/test-logs"),
                        root.resolve("connectors/target/test-logs"),
                        root.resolve("jobs/target/test-logs"),
                        root.resolve("tools/target/test-logs"),
                        root.resolve("target/logs"),
                        root.resolve("target/cluster/log"),
                        root.resolve("target/services"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    logs.addAll(
                            files.filter(
                                            p ->
                                                    p.getFileName()
                                                            .toString()
                                                            .matches(".*\\.(log|out)(\\.\\d+)?"))
                                    .collect(Collectors.toList()));
                }
            }
        }
        assertThat(logs).contains(root.resolve("jobs/target/test-logs/jobs.log"));
        List<String> findings = new ArrayList<>();
        for (Path log : logs) {
            if (!Files.isReadable(log)) {
                continue;
            }
            String text = new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                if (text.contains(secret)) {
                    findings.add(root.relativize(log) + " holds a password");
                }
            }
        }
        assertThat(findings).as("passwords in logs (%d files searched)", logs.size()).isEmpty();
    }

    /**
     * The current passwords: PostgreSQL's from the services env, the generated ones under target.
     */
    private static Set<String> secrets(Path root) throws IOException {
        Set<String> secrets = new LinkedHashSet<>();
        ServiceEnvironment env = ServiceEnvironment.load();
        env.get(ServiceKeys.POSTGRES_PASSWORD).ifPresent(secrets::add);
        env.get(ServiceKeys.TIMESCALEDB_PASSWORD).ifPresent(secrets::add);
        for (String file :
                List.of(
                        "target/services/postgres/password",
                        "target/services/kafka/tls/keystore.password")) {
            Path p = root.resolve(file);
            if (Files.isReadable(p)) {
                secrets.add(Files.readString(p, StandardCharsets.UTF_8).trim());
            }
        }
        secrets.removeIf(s -> s.length() < MIN_SECRET_LENGTH);
        assertThat(secrets)
                .as("the PostgreSQL password from target/services.env (run bin/services up)")
                .isNotEmpty();
        return secrets;
    }

    private static List<String> trackedFiles(Path root) throws Exception {
        Process git =
                new ProcessBuilder("git", "ls-files", "-z")
                        .directory(root.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        byte[] out = git.getInputStream().readAllBytes();
        assertThat(git.waitFor(60, TimeUnit.SECONDS)).as("git ls-files finishes").isTrue();
        assertThat(git.exitValue()).as("git ls-files").isZero();
        List<String> files = new ArrayList<>();
        for (String f : new String(out, StandardCharsets.UTF_8).split("\0")) {
            if (!f.isEmpty()) {
                files.add(f);
            }
        }
        assertThat(files).as("tracked files").hasSizeGreaterThan(100);
        return files;
    }

    private static Path repositoryRoot() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".git")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("not inside the repository");
    }
}
