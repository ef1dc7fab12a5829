package com.athena.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The CI smoke run of {@link BigQuerySinkBench}: tiny sizes, every row arrives on both paths. */
class BigQuerySinkBenchTest {

    @Test
    void bothSinksDeliverEveryRow(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bigquery.md");
        BigQuerySinkBench.main(new String[] {out.toString(), "1", "100", "2"});
        String report = Files.readString(out);
        assertThat(report).contains("`BigQuerySink`").contains("`StorageWriteSink`");
        // The last column, rows committed, is the full count on both lines.
        assertThat(report.lines().filter(l -> l.startsWith("| `") && l.endsWith("| 100 |")))
                .hasSize(2);
        assertThat(report).contains("Storage Write / insertAll rows/s, within each repetition: ");
        assertThat(Files.readString(dir.resolve("summary-bigquery.json")))
                .contains("\"bigquery_storage_vs_insertall\"");
    }
}
