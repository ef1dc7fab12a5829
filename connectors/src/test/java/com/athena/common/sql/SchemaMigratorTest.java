package com.athena.common.sql;

import com.athena.common.sql.SchemaMigrator.Migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaMigratorTest {

    @Test
    void timescaleMarkerAppliesToTheNextStatementOnly() {
        String script =
                "-- @timescaledb\n"
                        + "CREATE EXTENSION IF NOT EXISTS timescaledb;\n"
                        + "CREATE TABLE t (ts TIMESTAMPTZ NOT NULL);\n"
                        + "  -- @timescaledb  \n"
                        + "\n"
                        + "-- a comment between the marker and its statement\n"
                        + "SELECT create_hypertable('t', 'ts');\n"
                        + "CREATE INDEX i ON t (ts);\n";
        assertThat(SchemaMigrator.split("V001__x.sql", script))
                .containsExactly(
                        new Migration(
                                "V001__x.sql", "CREATE EXTENSION IF NOT EXISTS timescaledb;", true),
                        new Migration(
                                "V001__x.sql", "CREATE TABLE t (ts TIMESTAMPTZ NOT NULL);", false),
                        new Migration("V001__x.sql", "SELECT create_hypertable('t', 'ts');", true),
                        new Migration("V001__x.sql", "CREATE INDEX i ON t (ts);", false));
    }

    @Test
    void commentsAndBlankLinesBetweenStatementsAreSkippedAndMultiLineStatementsKept() {
        String script =
                "-- header\n"
                        + "\n"
                        + "   \n"
                        + "CREATE TABLE a (\n"
                        + "    id INT, -- inline comment stays\n"
                        + "    v  TEXT\n"
                        + ");\n"
                        + "-- trailing comment\n";
        assertThat(SchemaMigrator.split("f", script))
                .containsExactly(
                        new Migration(
                                "f",
                                "CREATE TABLE a (\n    id INT, -- inline comment stays\n    v  TEXT\n);",
                                false));
    }

    @Test
    void dollarQuotedBodiesWithInnerSemicolonsStayWhole() {
        String function =
                "CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $$\n"
                        + "BEGIN\n"
                        + "    NEW.updated := now();\n"
                        + "    RETURN NEW;\n"
                        + "END;\n"
                        + "$$ LANGUAGE plpgsql;";
        String doBlock = "DO $$ BEGIN PERFORM 1; END $$;";
        String script = function + "\n" + doBlock + "\nSELECT 1;\n";
        assertThat(SchemaMigrator.split("f", script))
                .extracting(Migration::sql)
                .containsExactly(function, doBlock, "SELECT 1;");
    }

    @Test
    void emptyOrCommentOnlyScriptHasNoStatements() {
        assertThat(SchemaMigrator.split("f", "")).isEmpty();
        assertThat(SchemaMigrator.split("f", "-- nothing\n\n-- @timescaledb\n")).isEmpty();
    }

    @Test
    void lastStatementWithoutSemicolonIsRejected() {
        assertThatThrownBy(() -> SchemaMigrator.split("V009__broken.sql", "SELECT 1;\nSELECT 2\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("V009__broken.sql: the last statement has no semicolon");
        // A dollar quote that never closes swallows the semicolons after it.
        assertThatThrownBy(() -> SchemaMigrator.split("f", "DO $$ BEGIN\nPERFORM 1;\nEND;\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("f: the last statement has no semicolon");
    }

    @Test
    void readsVersionedFilesInVersionOrderAndIgnoresOthers(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("V010__ten.sql"), "SELECT 10;\n");
        Files.writeString(dir.resolve("V002__two.sql"), "SELECT 2;\nSELECT 22;\n");
        Files.writeString(dir.resolve("V001__one.sql"), "-- @timescaledb\nSELECT 1;\n");
        for (String ignored :
                new String[] {
                    "README.md",
                    "V003_one_underscore.sql",
                    "v004__lower.sql",
                    "V005__x.sql.bak",
                    "U006__undo.sql",
                    "V__no_version.sql"
                }) {
            Files.writeString(dir.resolve(ignored), "this is not SQL and must not be read");
        }
        assertThat(SchemaMigrator.read(dir))
                .containsExactly(
                        new Migration("V001__one.sql", "SELECT 1;", true),
                        new Migration("V002__two.sql", "SELECT 2;", false),
                        new Migration("V002__two.sql", "SELECT 22;", false),
                        new Migration("V010__ten.sql", "SELECT 10;", false));
    }

    @Test
    void theRepositorySchemaParsesAndMarksEveryTimescaleStatement() throws IOException {
        Path directory = SchemaMigrator.locateDirectory();
        assertThat(directory).endsWith(Path.of("sql", "timescaledb"));
        List<Migration> migrations = SchemaMigrator.read(directory);

        assertThat(migrations.get(0))
                .isEqualTo(
                        new Migration(
                                "V001__ingest.sql",
                                "CREATE EXTENSION IF NOT EXISTS timescaledb;",
                                true));
        assertThat(migrations).allSatisfy(m -> assertThat(m.sql()).endsWith(";"));
        assertThat(migrations)
                .anySatisfy(
                        m -> assertThat(m.sql()).startsWith("CREATE TABLE IF NOT EXISTS trades"));
        // Plain PostgreSQL runs the unmarked statements: none of them may need TimescaleDB.
        assertThat(migrations)
                .filteredOn(m -> !m.timescaleOnly())
                .isNotEmpty()
                .noneSatisfy(m -> assertThat(m.sql()).containsIgnoringCase("create_hypertable"));
        assertThat(migrations)
                .filteredOn(Migration::timescaleOnly)
                .hasSizeGreaterThan(1)
                // The extension, a hypertable, or TimescaleDB's chunk and policy API (V004).
                .allSatisfy(
                        m ->
                                assertThat(m.sql())
                                        .containsAnyOf(
                                                "timescaledb",
                                                "create_hypertable(",
                                                "set_chunk_time_interval(",
                                                "_policy("));
    }

    @Test
    void readsUnpaddedVersionsInNumericOrder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("V10__ten.sql"), "SELECT 10;\n");
        Files.writeString(dir.resolve("V2__two.sql"), "SELECT 2;\n");
        assertThat(SchemaMigrator.read(dir))
                .extracting(Migration::file)
                .containsExactly("V2__two.sql", "V10__ten.sql");
    }
}
