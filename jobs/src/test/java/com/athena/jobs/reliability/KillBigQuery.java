package com.athena.jobs.reliability;

import com.athena.common.bigquery.StorageWriteEndpoint;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.jobs.market.MarketBarRows;
import com.athena.jobs.market.MarketSnapshotRows;
import com.athena.jobs.treasury.TreasuryRows;
import com.athena.testing.ExpectedBars;
import com.athena.testing.LocalBigQueryWriteServer;
import com.athena.testing.Waits;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The BigQuery side of the fault tests: a {@link LocalBigQueryWriteServer} with the four tables the
 * jobs write, reachable from the cluster's TaskManagers (loopback), and the comparison of its
 * committed rows with a run without the fault, row by row: an expected row missing is lost, a row
 * committed more often than the run without the fault writes it is a duplicate.
 */
final class KillBigQuery implements AutoCloseable {
    private static final String PROJECT = "athena-local";
    private static final String DATASET = "athena_agent";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalBigQueryWriteServer server;

    private KillBigQuery(LocalBigQueryWriteServer server) {
        this.server = server;
    }

    static KillBigQuery start() throws IOException {
        LocalBigQueryWriteServer server = LocalBigQueryWriteServer.start();
        server.defineTablesFromDdl(
                PROJECT,
                DATASET,
                Path.of("../sql/bigquery"),
                MarketBarRows.TABLE,
                MarketSnapshotRows.TABLE,
                TreasuryRows.SNAPSHOTS_TABLE,
                TreasuryRows.COSTS_TABLE);
        return new KillBigQuery(server);
    }

    /** What {@code bin/flink run} needs so that the jobs' sinks write to this server. */
    Map<String, String> cliEnv() {
        return Map.of(StorageWriteEndpoint.WRITE_API_HOST_KEY, server.target());
    }

    /**
     * Waits until every table holds at least the rows of the run without the fault (rows become
     * visible at the checkpoint after they were written), then compares.
     */
    List<Comparison> compareWithTheRunWithoutTheFault(
            String symbol,
            List<Trade> trades,
            List<Timeframe> timeframes,
            TreasuryReference reference)
            throws Exception {
        Map<String, Long> bars = new TreeMap<>();
        for (Timeframe tf : timeframes) {
            for (MarketBar bar : ExpectedBars.of(trades, tf)) {
                bars.merge(barKey(symbol, tf.label(), bar.bar.openTime), 1L, Long::sum);
            }
        }
        Map<String, Long> snapshots = new TreeMap<>();
        TreasuryRows.Snapshots snapshotRows = new TreasuryRows.Snapshots();
        for (TreasurySnapshot s : reference.historySnapshots()) {
            snapshots.merge(snapshotKey(snapshotRows.row(s), s.timestamp), 1L, Long::sum);
        }
        Map<String, Long> costs = new TreeMap<>();
        for (CostRecord c : reference.costRecords()) {
            costs.merge(costKey(c.agentId, c.eventId, c.timestamp), 1L, Long::sum);
        }
        List<String> agents = reference.agents();
        Function<Map<String, Object>, String> foundBar =
                r ->
                        symbol.equals(r.get("symbol"))
                                ? barKey(symbol, (String) r.get("timeframe"), micros(r) / 1000)
                                : null;
        Function<Map<String, Object>, String> foundSnapshot =
                r -> agents.contains(r.get("agent_id")) ? snapshotKey(r, micros(r) / 1000) : null;
        Function<Map<String, Object>, String> foundCost =
                r ->
                        agents.contains(r.get("agent_id"))
                                ? costKey(
                                        (String) r.get("agent_id"),
                                        (String) r.get("event_id"),
                                        micros(r) / 1000)
                                : null;
        Waits.until(
                "the BigQuery rows committed",
                Duration.ofMinutes(2),
                () ->
                        count(MarketBarRows.TABLE, foundBar) >= total(bars)
                                && count(TreasuryRows.SNAPSHOTS_TABLE, foundSnapshot)
                                        >= total(snapshots)
                                && count(TreasuryRows.COSTS_TABLE, foundCost) >= total(costs));
        List<Comparison> comparisons = new ArrayList<>();
        comparisons.add(compare("BigQuery " + MarketBarRows.TABLE, bars, foundBar));
        // The run's market snapshot subscription stays empty: nothing may appear.
        comparisons.add(
                compare(
                        "BigQuery " + MarketSnapshotRows.TABLE,
                        Map.of(),
                        r -> String.valueOf(r.get("timestamp"))));
        comparisons.add(
                compare("BigQuery " + TreasuryRows.SNAPSHOTS_TABLE, snapshots, foundSnapshot));
        comparisons.add(compare("BigQuery " + TreasuryRows.COSTS_TABLE, costs, foundCost));
        return comparisons;
    }

    private long count(String table, Function<Map<String, Object>, String> key) {
        return server.committedRows(table).stream().filter(r -> key.apply(r) != null).count();
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Committed rows against expected counts per key: missing ones lost, extra ones doubled. */
    private Comparison compare(
            String what, Map<String, Long> expected, Function<Map<String, Object>, String> key) {
        Map<String, Long> found = new TreeMap<>();
        String table = what.substring("BigQuery ".length());
        for (Map<String, Object> row : server.committedRows(table)) {
            String k = key.apply(row);
            if (k != null) {
                found.merge(k, 1L, Long::sum);
            }
        }
        long lost = 0;
        long duplicates = 0;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            long n = found.getOrDefault(e.getKey(), 0L);
            if (n < e.getValue()) {
                lost += e.getValue() - n;
                problems.add("missing " + e.getKey());
            }
        }
        for (Map.Entry<String, Long> e : found.entrySet()) {
            long n = expected.getOrDefault(e.getKey(), 0L);
            if (e.getValue() > n) {
                duplicates += e.getValue() - n;
                problems.add((n == 0 ? "unexpected " : "doubled ") + e.getKey());
            }
        }
        return new Comparison(
                what,
                (int) total(expected),
                (int) total(found),
                lost,
                duplicates,
                problems.subList(0, Math.min(problems.size(), 20)));
    }

    private static long micros(Map<String, Object> row) {
        return ((Number) row.get("timestamp")).longValue();
    }

    private static String barKey(String symbol, String timeframe, long openTime) {
        return symbol + " " + timeframe + " " + openTime;
    }

    private static String costKey(String agent, String eventId, long ts) {
        return OutputRows.costKey(agent, eventId, ts);
    }

    /** Agent, the snapshot type its row carries in {@code significant_events}, and the time. */
    private static String snapshotKey(Map<String, Object> row, long ts) {
        try {
            String type =
                    JSON.readTree(String.valueOf(row.get("significant_events")))
                            .path("snapshot_type")
                            .asText();
            return OutputRows.snapshotKey((String) row.get("agent_id"), type, ts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
