package com.athena.jobs.sql;

import com.athena.common.bigquery.BigQueryDdl;
import com.athena.jobs.market.MarketBarRows;
import com.athena.jobs.market.MarketSnapshotRows;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The rows the sinks send have exactly the columns of the tables in {@code sql/bigquery}. */
public class BigQueryDdlTest {
    private static final Pattern COLUMN =
            Pattern.compile(
                    "^\\s+([a-z_0-9]+) (STRING|FLOAT64|INT64|TIMESTAMP|JSON|BOOL)\\b",
                    Pattern.MULTILINE);

    public static List<String> columns(String file) throws Exception {
        Path path = null;
        for (Path dir = Paths.get("").toAbsolutePath();
                dir != null && path == null;
                dir = dir.getParent()) {
            Path candidate = dir.resolve("sql/bigquery").resolve(file);
            path = Files.isReadable(candidate) ? candidate : null;
        }
        assertThat(path).as("sql/bigquery/%s", file).isNotNull();
        List<String> columns = new ArrayList<>();
        Matcher m = COLUMN.matcher(Files.readString(path, StandardCharsets.UTF_8));
        while (m.find()) {
            columns.add(m.group(1));
        }
        return columns;
    }

    @Test
    void marketIndicatorRowsMatchTheirTable() throws Exception {
        assertThat(columns("market_indicators.sql"))
                .containsExactlyElementsOf(MarketBarRows.COLUMNS);
    }

    @Test
    void marketIndicatorsArePartitionedByDayAndClustered() throws Exception {
        String ddl =
                Files.readString(
                        Paths.get("..", "sql", "bigquery", "market_indicators.sql"),
                        StandardCharsets.UTF_8);
        assertThat(ddl)
                .contains("CREATE TABLE IF NOT EXISTS athena_agent.market_indicators (")
                .contains("PARTITION BY DATE(timestamp)")
                .contains("CLUSTER BY symbol, timeframe;");
    }

    @Test
    void memoryFormationsIsACdcTableKeyedByMemoryId() throws Exception {
        String ddl =
                Files.readString(
                        Paths.get("..", "sql", "bigquery", "memory_formations.sql"),
                        StandardCharsets.UTF_8);
        assertThat(ddl)
                .contains("PRIMARY KEY (memory_id) NOT ENFORCED")
                .contains("OPTIONS (max_staleness = INTERVAL 15 MINUTE);");
        BigQueryDdl table = BigQueryDdl.parse(ddl);
        assertThat(table.primaryKey()).containsExactly("memory_id");
        assertThat(table.partitionColumn()).isEqualTo("timestamp");
        assertThat(table.clustering()).containsExactly("category");
        assertThat(table.columns()).hasSize(11);
        assertThat(
                        table.tableInfo("p", "d")
                                .<com.google.cloud.bigquery.StandardTableDefinition>getDefinition()
                                .getTableConstraints()
                                .getPrimaryKey()
                                .getColumns())
                .containsExactly("memory_id");
        // The other tables append: no key.
        assertThat(
                        BigQueryDdl.parse(
                                        Files.readString(
                                                Paths.get(
                                                        "..",
                                                        "sql",
                                                        "bigquery",
                                                        "market_indicators.sql"),
                                                StandardCharsets.UTF_8))
                                .primaryKey())
                .isEmpty();
    }

    @Test
    void snapshotRowsMatchTheSeedTable() throws Exception {
        assertThat(columns("market_data.sql"))
                .containsExactlyElementsOf(MarketSnapshotRows.COLUMNS);
    }
}
