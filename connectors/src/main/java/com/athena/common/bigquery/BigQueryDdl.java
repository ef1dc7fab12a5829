package com.athena.common.bigquery;

import com.google.cloud.bigquery.Clustering;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.PrimaryKey;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableConstraints;
import com.google.cloud.bigquery.TableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.TimePartitioning;
import com.google.cloud.bigquery.ViewDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file of {@code sql/bigquery} as the resource {@code tables.insert} creates: a table's columns
 * (NOT NULL as REQUIRED, {@code ARRAY<T>} as REPEATED), its {@code PARTITION BY DATE(column)}
 * (daily time partitioning on the column), {@code CLUSTER BY} and {@code PRIMARY KEY (...) NOT
 * ENFORCED} (the table constraint); or a view's query, the text after {@code AS} of its {@code
 * CREATE OR REPLACE VIEW}. The files name the dataset {@value #FILE_DATASET}; {@link #tableInfo}
 * puts the table (and the tables a view reads) in the dataset given.
 *
 * <p>Only the forms the files use are read; anything else fails with the file's statement.
 */
public final class BigQueryDdl {
    /** The dataset the files of {@code sql/bigquery} are written for. */
    public static final String FILE_DATASET = "athena_agent";

    private static final Pattern CREATE_TABLE =
            Pattern.compile(
                    "CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?`?(?:[\\w-]+\\.)*(\\w+)`?\\s*\\(",
                    Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_VIEW =
            Pattern.compile(
                    "CREATE\\s+OR\\s+REPLACE\\s+VIEW\\s+`?(?:[\\w-]+\\.)*(\\w+)`?\\s+AS\\s+",
                    Pattern.CASE_INSENSITIVE);
    private static final Pattern PARTITION =
            Pattern.compile(
                    "PARTITION\\s+BY\\s+DATE\\s*\\(\\s*(\\w+)\\s*\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern CLUSTER =
            Pattern.compile("CLUSTER\\s+BY\\s+(\\w+(?:\\s*,\\s*\\w+)*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern PRIMARY_KEY =
            Pattern.compile(
                    "^\\s*PRIMARY\\s+KEY\\s*\\(([\\w\\s,]+)\\)\\s*NOT\\s+ENFORCED\\s*$",
                    Pattern.CASE_INSENSITIVE);
    private static final Pattern DATASET_QUALIFIER = Pattern.compile("\\b" + FILE_DATASET + "\\.");

    private final String name;
    private final List<Field> columns;
    private final String partitionColumn;
    private final List<String> clustering;
    private final List<String> primaryKey;
    private final String viewQuery;

    private BigQueryDdl(
            String name,
            List<Field> columns,
            String partitionColumn,
            List<String> clustering,
            List<String> primaryKey,
            String viewQuery) {
        this.name = name;
        this.columns = columns;
        this.partitionColumn = partitionColumn;
        this.clustering = clustering;
        this.primaryKey = primaryKey;
        this.viewQuery = viewQuery;
    }

    /** Reads one {@code CREATE TABLE} or {@code CREATE OR REPLACE VIEW} statement. */
    public static BigQueryDdl parse(String sql) {
        String code = withoutComments(sql);
        Matcher view = CREATE_VIEW.matcher(code);
        if (view.find()) {
            String query = code.substring(view.end()).trim();
            if (query.endsWith(";")) {
                query = query.substring(0, query.length() - 1).trim();
            }
            return new BigQueryDdl(view.group(1), List.of(), null, List.of(), List.of(), query);
        }
        Matcher table = CREATE_TABLE.matcher(code);
        if (!table.find()) {
            throw new IllegalArgumentException("Neither CREATE TABLE nor CREATE VIEW: " + sql);
        }
        int depth = 1;
        int i = table.end();
        int start = i;
        while (depth > 0 && i < code.length()) {
            char c = code.charAt(i++);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        }
        List<Field> columns = new ArrayList<>();
        List<String> primaryKey = new ArrayList<>();
        for (String column : splitColumns(code.substring(start, i - 1))) {
            Matcher key = PRIMARY_KEY.matcher(column);
            if (key.matches()) {
                for (String c : key.group(1).split(",")) {
                    primaryKey.add(c.trim());
                }
            } else {
                columns.add(column(column));
            }
        }
        String rest = code.substring(i);
        Matcher partition = PARTITION.matcher(rest);
        Matcher cluster = CLUSTER.matcher(rest);
        List<String> clustering = new ArrayList<>();
        if (cluster.find()) {
            for (String c : cluster.group(1).split(",")) {
                clustering.add(c.trim());
            }
        }
        return new BigQueryDdl(
                table.group(1),
                List.copyOf(columns),
                partition.find() ? partition.group(1) : null,
                List.copyOf(clustering),
                List.copyOf(primaryKey),
                null);
    }

    public String name() {
        return name;
    }

    public boolean isView() {
        return viewQuery != null;
    }

    /** The table's columns; empty for a view. */
    public List<Field> columns() {
        return columns;
    }

    /** The column of daily partitioning, or null. */
    public String partitionColumn() {
        return partitionColumn;
    }

    public List<String> clustering() {
        return clustering;
    }

    /**
     * The columns of the table's {@code PRIMARY KEY (...) NOT ENFORCED}, empty without one: a table
     * with a key takes change data capture (UPSERT rows through the Storage Write API's default
     * stream).
     */
    public List<String> primaryKey() {
        return primaryKey;
    }

    /**
     * The view's query as the file writes it (dataset {@value #FILE_DATASET}); null for a table.
     */
    public String viewQuery() {
        return viewQuery;
    }

    /** The view's query with its tables in {@code dataset}. */
    public String viewQuery(String dataset) {
        return DATASET_QUALIFIER
                .matcher(viewQuery)
                .replaceAll(Matcher.quoteReplacement(dataset + "."));
    }

    /** The resource {@code tables.insert} creates in {@code project.dataset}. */
    public TableInfo tableInfo(String project, String dataset) {
        TableDefinition definition;
        if (isView()) {
            definition =
                    ViewDefinition.newBuilder(viewQuery(dataset)).setUseLegacySql(false).build();
        } else {
            StandardTableDefinition.Builder table =
                    StandardTableDefinition.newBuilder().setSchema(Schema.of(columns));
            if (partitionColumn != null) {
                table.setTimePartitioning(
                        TimePartitioning.newBuilder(TimePartitioning.Type.DAY)
                                .setField(partitionColumn)
                                .build());
            }
            if (!clustering.isEmpty()) {
                table.setClustering(Clustering.newBuilder().setFields(clustering).build());
            }
            if (!primaryKey.isEmpty()) {
                table.setTableConstraints(
                        TableConstraints.newBuilder()
                                .setPrimaryKey(
                                        PrimaryKey.newBuilder().setColumns(primaryKey).build())
                                .build());
            }
            definition = table.build();
        }
        return TableInfo.of(TableId.of(project, dataset, name), definition);
    }

    private static Field column(String text) {
        Matcher m =
                Pattern.compile("^(\\w+)\\s+(ARRAY\\s*<\\s*(\\w+)\\s*>|\\w+)(.*)$", Pattern.DOTALL)
                        .matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("Cannot read the column: " + text);
        }
        boolean repeated = m.group(3) != null;
        String type = (repeated ? m.group(3) : m.group(2)).toUpperCase(Locale.ROOT);
        boolean required =
                m.group(4).toUpperCase(Locale.ROOT).replaceAll("\\s+", " ").contains("NOT NULL");
        Field.Mode mode =
                repeated
                        ? Field.Mode.REPEATED
                        : required ? Field.Mode.REQUIRED : Field.Mode.NULLABLE;
        return Field.newBuilder(m.group(1), type(type)).setMode(mode).build();
    }

    private static StandardSQLTypeName type(String type) {
        switch (type) {
            case "FLOAT64":
                return StandardSQLTypeName.FLOAT64;
            case "INT64":
                return StandardSQLTypeName.INT64;
            case "BOOL":
                return StandardSQLTypeName.BOOL;
            default:
                return StandardSQLTypeName.valueOf(type);
        }
    }

    /** Splits a column list at top-level commas (not those inside {@code <>} or {@code ()}). */
    private static List<String> splitColumns(String list) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '<' || c == '(') {
                depth++;
            } else if (c == '>' || c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(list.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(list.substring(start));
        parts.removeIf(p -> p.isBlank());
        return parts;
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("(?m)--.*$", "");
    }

    @Override
    public String toString() {
        return (isView() ? "view " : "table ") + name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BigQueryDdl
                && name.equals(((BigQueryDdl) o).name)
                && Objects.equals(viewQuery, ((BigQueryDdl) o).viewQuery)
                && columns.equals(((BigQueryDdl) o).columns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, columns, viewQuery);
    }
}
