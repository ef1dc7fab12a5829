package com.athena.jobs.sql;

import com.google.zetasql.Analyzer;
import com.google.zetasql.AnalyzerOptions;
import com.google.zetasql.LanguageOptions;
import com.google.zetasql.ParseResumeLocation;
import com.google.zetasql.SimpleCatalog;
import com.google.zetasql.SimpleColumn;
import com.google.zetasql.SimpleTable;
import com.google.zetasql.SqlException;
import com.google.zetasql.Type;
import com.google.zetasql.ZetaSQLBuiltinFunctionOptions;
import com.google.zetasql.ZetaSQLOptions.LanguageFeature;
import com.google.zetasql.ZetaSQLOptions.ProductMode;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedColumnDefinition;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateTableStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateViewStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedOutputColumn;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedStatement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code sql/bigquery} analyzed by ZetaSQL, the analyzer of BigQuery's dialect: each table's DDL is
 * resolved and becomes a table of a catalog, then each view is resolved against that catalog (views
 * over views in dependency order), so that an unknown table, column or function fails.
 */
final class BigQuerySchema {
    /** The dataset every file writes to. */
    static final String DATASET = "athena_agent";

    /** One file: its single statement, resolved, and the columns it defines. */
    record Relation(
            String name,
            Path file,
            String sql,
            ResolvedStatement statement,
            List<SimpleColumn> columns) {
        boolean isView() {
            return statement instanceof ResolvedCreateViewStmt;
        }

        List<String> columnNames() {
            return columns.stream().map(SimpleColumn::getName).toList();
        }
    }

    private final AnalyzerOptions options;
    private final SimpleCatalog root;
    private final SimpleCatalog dataset;
    private final Map<String, Relation> relations = new LinkedHashMap<>();

    private BigQuerySchema() {
        // BigQuery is ZetaSQL's external product mode (FLOAT64, no proto types) with the newest
        // language features (JSON, MIN_BY, PARTITION BY / CLUSTER BY in DDL, ...).
        LanguageOptions language = new LanguageOptions().enableMaximumLanguageFeatures();
        language.setSupportsAllStatementKinds();
        // BigQuery has the INTERVAL type (memory_formations' max_staleness option is one); the
        // maximum above leaves it out.
        language.enableLanguageFeature(LanguageFeature.FEATURE_INTERVAL_TYPE);
        language.setProductMode(ProductMode.PRODUCT_EXTERNAL);
        options = new AnalyzerOptions();
        options.setLanguageOptions(language);
        root = new SimpleCatalog("bigquery");
        root.addZetaSQLFunctionsAndTypes(new ZetaSQLBuiltinFunctionOptions(language));
        dataset = root.addNewSimpleCatalog(DATASET);
    }

    /** {@code sql/bigquery} found from the working directory or one of its parents. */
    static Path locate() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sql/bigquery");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No sql/bigquery above " + Paths.get("").toAbsolutePath());
    }

    /** Every {@code *.sql} under the directory, tables first, then views in dependency order. */
    static BigQuerySchema load(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        BigQuerySchema schema = new BigQuerySchema();
        Map<Path, String> views = new LinkedHashMap<>();
        for (Path file : files) {
            String sql = Files.readString(file, StandardCharsets.UTF_8);
            if (sql.toUpperCase(Locale.ROOT).contains("CREATE OR REPLACE VIEW")) {
                views.put(file, sql);
            } else {
                schema.add(file, sql);
            }
        }
        // A view may read another view: resolve those whose tables all exist, until none is left.
        while (!views.isEmpty()) {
            Map.Entry<Path, String> ready = null;
            for (Map.Entry<Path, String> view : views.entrySet()) {
                if (schema.relations
                        .keySet()
                        .containsAll(schema.referencedTables(view.getValue()))) {
                    ready = view;
                    break;
                }
            }
            if (ready == null) {
                // Resolving one anyway names the missing table in the error.
                ready = views.entrySet().iterator().next();
            }
            schema.add(ready.getKey(), ready.getValue());
            views.remove(ready.getKey());
        }
        return schema;
    }

    /** The tables and views a statement reads, without the dataset, in lower case. */
    List<String> referencedTables(String sql) {
        List<String> names = new ArrayList<>();
        for (List<String> path : Analyzer.extractTableNamesFromStatement(sql, options)) {
            names.add(tableName(path));
        }
        return names;
    }

    /**
     * Resolves a statement against what is loaded so far, without adding it: for tests of the check
     * itself.
     */
    ResolvedStatement analyze(String sql) {
        return Analyzer.analyzeStatement(sql, options, root);
    }

    private void add(Path file, String sql) {
        ParseResumeLocation location = new ParseResumeLocation(file.toString(), sql);
        ResolvedStatement statement;
        try {
            statement = Analyzer.analyzeNextStatement(location, options, root);
        } catch (SqlException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
        String rest = sql.substring(bytesToChars(sql, location.getBytePosition()));
        if (!withoutComments(rest).isBlank()) {
            throw new IllegalStateException(file + ": more than one statement");
        }
        String name;
        List<SimpleColumn> columns = new ArrayList<>();
        if (statement instanceof ResolvedCreateTableStmt table) {
            name = tableName(table.getNamePath());
            for (ResolvedColumnDefinition column : table.getColumnDefinitionList()) {
                columns.add(new SimpleColumn(name, column.getName(), column.getType()));
            }
        } else if (statement instanceof ResolvedCreateViewStmt view) {
            name = tableName(view.getNamePath());
            for (ResolvedOutputColumn column : view.getOutputColumnList()) {
                Type type = column.getColumn().getType();
                columns.add(new SimpleColumn(name, column.getName(), type));
            }
        } else {
            throw new IllegalStateException(
                    file + ": neither CREATE TABLE nor CREATE VIEW: " + statement.nodeKindString());
        }
        if (relations.containsKey(name)) {
            throw new IllegalStateException(file + ": " + name + " is defined twice");
        }
        relations.put(name, new Relation(name, file, sql, statement, List.copyOf(columns)));
        dataset.addSimpleTable(name, new SimpleTable(name, columns));
        // `athena_agent.name` in backticks is one identifier to ZetaSQL, a path to BigQuery.
        root.addSimpleTable(DATASET + "." + name, new SimpleTable(DATASET + "." + name, columns));
    }

    private static String tableName(List<String> path) {
        List<String> parts = new ArrayList<>();
        for (String part : path) {
            parts.addAll(List.of(part.split("\\.")));
        }
        if (parts.size() != 2 || !parts.get(0).equals(DATASET)) {
            throw new IllegalStateException("Not a table of dataset " + DATASET + ": " + path);
        }
        return parts.get(1).toLowerCase(Locale.ROOT);
    }

    /** ZetaSQL reports positions in UTF-8 bytes. */
    private static int bytesToChars(String text, int bytes) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return new String(utf8, 0, Math.min(bytes, utf8.length), StandardCharsets.UTF_8).length();
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("(?m)--.*$", "");
    }

    Map<String, Relation> relations() {
        return relations;
    }

    Relation relation(String name) {
        Relation relation = relations.get(name);
        if (relation == null) {
            throw new IllegalArgumentException("No table or view " + name + " in sql/bigquery");
        }
        return relation;
    }
}
