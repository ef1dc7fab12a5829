package com.athena.tools.sql;

import org.apache.flink.table.functions.UserDefinedFunction;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Splitting and rendering of the SQL files, and rules every file of {@code sql/flink} keeps. */
class SqlScriptTest {

    @Test
    void splitsOnSemicolonsOutsideStringsIdentifiersAndComments() {
        String script =
                "-- header; with a semicolon;\n"
                        + "SET 'a' = 'x;y';\n"
                        + "/* block; */ CREATE VIEW `v;w` AS SELECT 'it''s;' AS s;\n"
                        + "SELECT 1 -- trailing;\n"
                        + ";\n"
                        + "-- nothing after this;\n";
        assertThat(SqlScript.statements(script))
                .containsExactly(
                        "-- header; with a semicolon;\nSET 'a' = 'x;y'",
                        "/* block; */ CREATE VIEW `v;w` AS SELECT 'it''s;' AS s",
                        "SELECT 1 -- trailing;");
    }

    @Test
    void rendersPlaceholdersWithDefaultsAndEscapesForTheLiteral() {
        Map<String, String> env = Map.of("PASSWORD", "it's", "TOPIC", "mine");
        String rendered =
                SqlScript.render(
                        "'${PASSWORD}' '${TOPIC:-market.trades}' '${OTHER:-market.trades}' ${...}",
                        name -> Optional.ofNullable(env.get(name)));
        assertThat(rendered).isEqualTo("'it''s' 'mine' 'market.trades' ${...}");
        assertThatThrownBy(
                        () -> SqlScript.render("'${A}' '${B}' '${C:-c}'", name -> Optional.empty()))
                .hasMessageContaining("no value for A, B");
    }

    @Test
    void recognizesSetStatements() {
        assertThat(SqlScript.setStatement("-- why\nSET 'table.local-time-zone' = 'UTC'"))
                .contains(Map.entry("table.local-time-zone", "UTC"));
        assertThat(SqlScript.setStatement("set 'k' = 'it''s'")).contains(Map.entry("k", "it's"));
        assertThat(SqlScript.setStatement("CREATE TABLE t (s STRING) -- SET 'a' = 'b'")).isEmpty();
    }

    @Test
    void sessionStartsWithInitThenRunsTheFilesByName() throws Exception {
        List<Path> files = SqlScript.sessionFiles(FlinkSqlSession.SQL_DIR);
        assertThat(files.get(0).getFileName().toString()).isEqualTo("init.sql");
        List<String> rest =
                files.subList(1, files.size()).stream()
                        .map(p -> p.getFileName().toString())
                        .toList();
        assertThat(rest).isSorted().isNotEmpty();
    }

    /**
     * bin/sql hands all files to the SQL client as its init script, which refuses queries and
     * INSERTs: the files define (SET, CREATE), the analyst queries. Each file opens with a header
     * comment saying what it is.
     */
    @Test
    void everyFileOnlyDefinesAndSaysWhatItIs() throws Exception {
        for (Path file : SqlScript.sessionFiles(FlinkSqlSession.SQL_DIR)) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(text).as(file.toString()).startsWith("-- ");
            List<String> statements = SqlScript.statements(text);
            assertThat(statements).as(file.toString()).isNotEmpty();
            for (String statement : statements) {
                String code = SqlScript.withoutComments(statement).strip();
                assertThat(code).as(file + ": " + code).matches("(?is)(SET|CREATE) .*");
            }
        }
    }

    /** Every function class init.sql names exists and is a Flink function; none is left out. */
    @Test
    void initRegistersEveryFunctionOfThePackage() throws Exception {
        String init =
                Files.readString(
                        FlinkSqlSession.SQL_DIR.resolve("init.sql"), StandardCharsets.UTF_8);
        Matcher m =
                Pattern.compile(
                                "CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS (\\w+)\\s+AS '([\\w.]+)'")
                        .matcher(init);
        Map<String, String> registered = new java.util.TreeMap<>();
        while (m.find()) {
            registered.put(m.group(1), m.group(2));
        }
        assertThat(registered)
                .containsOnlyKeys(
                        "PARSE_EVENT_TIME",
                        "FIRST_BY_TIME",
                        "LAST_BY_TIME",
                        "EMA",
                        "RSI",
                        "BB_UPPER",
                        "BB_MIDDLE",
                        "BB_LOWER");
        for (String className : registered.values()) {
            Class<?> c = Class.forName(className);
            assertThat(UserDefinedFunction.class.isAssignableFrom(c)).as(className).isTrue();
            assertThat(c.getConstructor()).as(className).isNotNull();
        }
    }
}
