package com.athena.common.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceEnvironmentTest {

    @TempDir Path root;

    /** Writes {@code dir/target/services.env}. */
    private static Path envFile(Path dir, String content) throws IOException {
        Path file = dir.resolve("target/services.env");
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private Path subdirectory() throws IOException {
        return Files.createDirectories(root.resolve("common/src/main"));
    }

    @Test
    void findsTheEnvFileByWalkingUpFromTheWorkingDirectory() throws IOException {
        Path file = envFile(root, "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092\n");
        ServiceEnvironment env = ServiceEnvironment.load(Map.of(), subdirectory());
        assertThat(env.file()).contains(file);
        assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).contains("127.0.0.1:9092");
    }

    @Test
    void theNearestEnvFileWins() throws IOException {
        envFile(root, "KEY=outer\n");
        Path inner = envFile(root.resolve("common"), "KEY=inner\n");
        ServiceEnvironment env = ServiceEnvironment.load(Map.of(), subdirectory());
        assertThat(env.file()).contains(inner);
        assertThat(env.get("KEY")).contains("inner");
    }

    @Test
    void processEnvironmentOverridesTheFile() throws IOException {
        envFile(root, "POSTGRES_USER=from_file\nPOSTGRES_PASSWORD=file_secret\n");
        ServiceEnvironment env =
                ServiceEnvironment.load(Map.of("POSTGRES_USER", "from_env"), subdirectory());
        assertThat(env.get("POSTGRES_USER")).contains("from_env");
        assertThat(env.get("POSTGRES_PASSWORD")).contains("file_secret");
    }

    @Test
    void readsTheFileAsTheLauncherWritesIt() throws IOException {
        envFile(
                root,
                "# Written by bin/services up -- addresses of the local services\n"
                        + "# Values with shell metacharacters are single-quoted.\n"
                        + "POSTGRES_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/athena\n"
                        + "TIMESCALEDB_JDBC_URL='jdbc:postgresql://127.0.0.1:5432/timescaledb"
                        + "?sslmode=disable'\n"
                        + "\n"
                        + "PUBSUB_PROJECT_ID=athena-local\n");
        ServiceEnvironment env = ServiceEnvironment.load(Map.of(), subdirectory());
        assertThat(env.get("POSTGRES_JDBC_URL"))
                .contains("jdbc:postgresql://127.0.0.1:5432/athena");
        assertThat(env.get("TIMESCALEDB_JDBC_URL"))
                .contains("jdbc:postgresql://127.0.0.1:5432/timescaledb" + "?sslmode=disable");
        assertThat(env.get("PUBSUB_PROJECT_ID")).contains("athena-local");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "KEY='a&b'          | a&b",
                "KEY=\"a b\"        | a b",
                "KEY = 'padded'     | padded",
                "KEY=''             | ``",
                "KEY='unbalanced    | 'unbalanced",
                "KEY='mixed\"       | 'mixed\"",
                "KEY=it's           | it's",
                "KEY='               | '",
            })
    void unquotesOnlyMatchingOuterQuotes(String line, String expected) throws IOException {
        envFile(root, line + "\n");
        ServiceEnvironment env = ServiceEnvironment.load(Map.of(), root);
        assertThat(env.get("KEY", "<unset>")).isEqualTo(expected.isEmpty() ? "<unset>" : expected);
    }

    @Test
    void explicitFileIsReadInsteadOfTheSearchedOne() throws IOException {
        envFile(root, "KEY=searched\n");
        Path explicit = root.resolve("elsewhere.env");
        Files.writeString(explicit, "KEY=explicit\n");
        ServiceEnvironment env =
                ServiceEnvironment.load(
                        Map.of(ServiceEnvironment.ENV_FILE_VARIABLE, explicit.toString()),
                        subdirectory());
        assertThat(env.file()).contains(explicit);
        assertThat(env.get("KEY")).contains("explicit");
    }

    @Test
    void blankExplicitFileFallsBackToTheSearch() throws IOException {
        Path file = envFile(root, "KEY=searched\n");
        ServiceEnvironment env =
                ServiceEnvironment.load(
                        Map.of(ServiceEnvironment.ENV_FILE_VARIABLE, " "), subdirectory());
        assertThat(env.file()).contains(file);
        assertThat(env.get("KEY")).contains("searched");
    }

    @Test
    void explicitFileThatCannotBeReadIsAnError() {
        Path missing = root.resolve("missing.env");
        assertThatThrownBy(
                        () ->
                                ServiceEnvironment.load(
                                        Map.of(
                                                ServiceEnvironment.ENV_FILE_VARIABLE,
                                                missing.toString()),
                                        root))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ATHENA_SERVICES_ENV names " + missing + ", which cannot be read");
    }

    @Test
    void explicitDirectoryIsAnError() {
        assertThatThrownBy(
                        () ->
                                ServiceEnvironment.load(
                                        Map.of(
                                                ServiceEnvironment.ENV_FILE_VARIABLE,
                                                root.toString()),
                                        root))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Cannot read the services env file " + root);
    }

    @Test
    void withoutAFileOnlyTheProcessEnvironmentCounts() throws IOException {
        ServiceEnvironment env = ServiceEnvironment.load(Map.of("A", "1"), subdirectory());
        assertThat(env.file()).isEmpty();
        assertThat(env.get("A")).contains("1");
        assertThat(env.get("B")).isEmpty();
        assertThat(env.get("B", "fallback")).isEqualTo("fallback");
    }

    @Test
    void requireNamesTheKeyAndHowToStartTheServices() {
        ServiceEnvironment env = ServiceEnvironment.load(Map.of("BLANK", "  "), root);
        assertThat(env.get("BLANK")).isEmpty();
        for (String key : new String[] {"POSTGRES_JDBC_URL", "BLANK"}) {
            assertThatThrownBy(() -> env.require(key))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            key
                                    + " is not set: export it, or start the local services with"
                                    + " `bin/services up` (it writes target/services.env)");
        }
    }

    @Test
    void requireReturnsTheValue() {
        ServiceEnvironment env = ServiceEnvironment.load(Map.of("K", "v"), root);
        assertThat(env.require("K")).isEqualTo("v");
    }
}
