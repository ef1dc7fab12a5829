package com.athena.jobs.reliability;

import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.jobs.market.MarketConditionsDocuments;
import com.athena.jobs.market.MarketDataRows;
import com.athena.jobs.treasury.TreasuryDocuments;
import com.athena.jobs.treasury.TreasuryNames;
import com.athena.testing.ExpectedBars;
import com.athena.testing.Waits;

import com.google.cloud.firestore.Firestore;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The outputs of a {@link TaskManagerKillITCase} run, table by table and document by document:
 * waited for until complete, then compared with a run without the fault (market: the direct
 * computation from the trades; treasury: the {@link TreasuryReference}).
 */
final class KillOutputs {
    private final JdbcEndpoint postgres;
    private final FirestoreEndpoint firestore;
    private final String symbol;
    private final List<Trade> trades;
    private final List<Timeframe> timeframes;
    private final TreasuryFeed feed;
    private final TreasuryReference reference;

    /** The documents a run without the fault leaves in Firestore. */
    record ExpectedDocs(
            Map<String, Object> market,
            Map<String, Map<String, Object>> treasury,
            Map<String, Map<String, Object>> costs) {}

    KillOutputs(
            JdbcEndpoint postgres,
            FirestoreEndpoint firestore,
            String symbol,
            List<Trade> trades,
            List<Timeframe> timeframes,
            TreasuryFeed feed,
            TreasuryReference reference) {
        this.postgres = postgres;
        this.firestore = firestore;
        this.symbol = symbol;
        this.trades = trades;
        this.timeframes = timeframes;
        this.feed = feed;
        this.reference = reference;
    }

    /** Complete outputs: rows first, then the Firestore documents. */
    ExpectedDocs awaitComplete() throws Exception {
        long marketRows = 0;
        for (Timeframe tf : timeframes) {
            marketRows += ExpectedBars.of(trades, tf).size();
        }
        long expectedMarketRows = marketRows;
        Waits.until(
                "all bars in PostgreSQL",
                Duration.ofMinutes(2),
                () ->
                        OutputRows.count(postgres, "market_data", "symbol =", symbol)
                                >= expectedMarketRows);
        List<Long> treasuryRows = reference.rowCounts();
        AtomicReference<List<Long>> read = new AtomicReference<>(List.of());
        try {
            Waits.until(
                    "all treasury rows in PostgreSQL",
                    Duration.ofMinutes(2),
                    () -> {
                        read.set(OutputRows.treasuryRowCounts(postgres, feed.agents()));
                        return read.get().equals(treasuryRows);
                    });
        } catch (AssertionError e) {
            // Which table fell short, and by how much, is what a failure needs to be read.
            throw new AssertionError(
                    e.getMessage()
                            + ": snapshots, cost events, metrics "
                            + read.get()
                            + ", expected "
                            + treasuryRows
                            + "; per agent "
                            + OutputRows.treasuryRowsPerAgent(postgres, feed.agents()),
                    e);
        }
        ExpectedDocs expected =
                new ExpectedDocs(
                        OutputDocuments.expectedMarketDocument(trades),
                        reference.treasuryDocs(),
                        reference.costDocs());
        try (Firestore fs = firestore.open()) {
            Waits.until(
                    "the Firestore documents",
                    Duration.ofSeconds(90),
                    () ->
                            expected.market().equals(marketDocument(fs))
                                    && expected.treasury()
                                            .equals(OutputDocuments.treasuryDocs(fs, feed.agents()))
                                    && expected.costs()
                                            .equals(OutputDocuments.costDocs(fs, feed.agents())));
        }
        return expected;
    }

    private Map<String, Object> marketDocument(Firestore fs) throws Exception {
        return OutputDocuments.document(fs, MarketConditionsDocuments.COLLECTION, symbol);
    }

    /** Every output, table by table and document by document, against the run without the fault. */
    List<Comparison> compareWithTheRunWithoutTheFault(ExpectedDocs expected) throws Exception {
        List<String> agents = feed.agents();
        List<Comparison> comparisons = new ArrayList<>();
        try (Connection c = postgres.open()) {
            for (Timeframe tf : timeframes) {
                comparisons.add(
                        Comparison.compareBars(
                                "market_data " + tf.label(),
                                ExpectedBars.of(trades, tf),
                                MarketDataRows.read(c, symbol, tf.label(), null, 0)));
            }
            comparisons.add(
                    Comparison.compare(
                            "treasury_snapshots",
                            reference.snapshotRows(),
                            OutputRows.snapshotRows(c, agents)));
            comparisons.add(
                    Comparison.compare(
                            "cost_events", reference.costRows(), OutputRows.costRows(c, agents)));
            comparisons.add(
                    Comparison.compare(
                            "agent_metrics",
                            reference.metricRows(),
                            OutputRows.metricRows(c, agents)));
        }
        try (Firestore fs = firestore.open()) {
            comparisons.add(
                    Comparison.compareDocs(
                            "Firestore " + MarketConditionsDocuments.COLLECTION,
                            Map.of(symbol, expected.market()),
                            OutputDocuments.single(symbol, marketDocument(fs))));
            comparisons.add(
                    Comparison.compareDocs(
                            "Firestore " + TreasuryDocuments.TREASURY,
                            expected.treasury(),
                            OutputDocuments.treasuryDocs(fs, agents)));
            Map<String, Map<String, Object>> costDocs = OutputDocuments.costDocs(fs, agents);
            Comparison daily =
                    Comparison.compareDocs(
                            "Firestore " + TreasuryDocuments.COSTS, expected.costs(), costDocs);
            comparisons.add(
                    daily.withCounts(Comparison.countDifference(expected.costs(), costDocs)));
        }
        return comparisons;
    }

    /** Dead letters of the run (by origin) of either job: the duplicates', or all others. */
    long deadLetters(String run, boolean duplicates) {
        return OutputRows.count(
                postgres,
                "dead_letters",
                "source "
                        + (duplicates ? "=" : "<>")
                        + " '"
                        + TreasuryNames.DLQ_DUPLICATES
                        + "' AND origin LIKE",
                "%" + run + "%");
    }
}
