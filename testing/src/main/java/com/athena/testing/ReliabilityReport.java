package com.athena.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The reliability report the fault and bad-input tests write: one Markdown file, {@code
 * target/reliability/report.md} at the repository root, with one row per scenario (load held,
 * faults injected, bad records tried, records lost, duplicates) and an optional details section per
 * scenario. The README documents the format and links the file.
 *
 * <p>Each scenario writes its own part under {@code target/reliability/parts/} and the report is
 * re-rendered from all parts, so the tests may run in any order. A test records its figures
 * <em>before</em> asserting on them, so a failing run still shows what it measured.
 */
public final class ReliabilityReport {
    /** The repository root: the tests run in a module directory. */
    static final Path ROOT = Paths.get("").toAbsolutePath().getParent();

    public static final Path FILE = ROOT.resolve("target/reliability/report.md");
    static final Path PARTS = ROOT.resolve("target/reliability/parts");

    static final String HEADER =
            "| Scenario | Load held | Faults injected | Bad records tried | Records lost | Duplicates |";

    private ReliabilityReport() {}

    /**
     * One scenario's figures.
     *
     * @param scenario short name, also the part's file name (kebab-case)
     * @param load what was processed, e.g. {@code 12,000 trades, 4 agents x 900 events}
     * @param faults what was injected, e.g. {@code kill -9 of taskmanager-1 mid-stream}
     * @param badRecords malformed or hostile records fed in
     * @param lost expected records missing from the sinks (must be 0)
     * @param duplicates records present more often than once, or amounts counted twice (must be 0)
     * @param details Markdown shown under the table (may be empty)
     */
    public record Entry(
            String scenario,
            String load,
            String faults,
            long badRecords,
            long lost,
            long duplicates,
            String details) {}

    /** Writes the scenario's part and re-renders the report. */
    public static synchronized void record(Entry entry) {
        if (!entry.scenario().matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("scenario must be kebab-case: " + entry.scenario());
        }
        String row =
                String.format(
                        "| %s | %s | %s | %,d | %d | %d |",
                        entry.scenario(),
                        cell(entry.load()),
                        cell(entry.faults()),
                        entry.badRecords(),
                        entry.lost(),
                        entry.duplicates());
        String details =
                entry.details() == null || entry.details().isBlank()
                        ? ""
                        : "### " + entry.scenario() + "\n\n" + entry.details().strip() + "\n";
        try {
            Files.createDirectories(PARTS);
            Files.writeString(
                    PARTS.resolve(entry.scenario() + ".md"),
                    row + "\n" + details,
                    StandardCharsets.UTF_8);
            render();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void render() throws IOException {
        List<Path> parts;
        try (Stream<Path> files = Files.list(PARTS)) {
            parts = files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        List<String> rows = new ArrayList<>();
        List<String> sections = new ArrayList<>();
        for (Path part : parts) {
            String text = Files.readString(part, StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            rows.add(text.substring(0, newline));
            String rest = text.substring(newline + 1);
            if (!rest.isBlank()) {
                sections.add(rest.strip());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("# Reliability report\n\n")
                .append("Written by the fault and bad-input integration tests (`bin/test`), ")
                .append(Instant.now())
                .append(". Records lost and duplicates must be 0; a test fails otherwise.\n\n")
                .append(HEADER)
                .append('\n')
                .append("|---|---|---|---:|---:|---:|\n");
        rows.forEach(r -> out.append(r).append('\n'));
        for (String s : sections) {
            out.append('\n').append(s).append('\n');
        }
        Path tmp = FILE.resolveSibling("report.md.tmp");
        Files.writeString(tmp, out.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, FILE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
