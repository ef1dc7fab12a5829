package com.athena.jobs.savepoint;

import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.json.JsonFields;
import com.athena.common.market.MarketBar;
import com.athena.common.market.MarketConditions;
import com.athena.jobs.market.MarketJob;
import com.athena.jobs.market.MarketNames;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;
import com.athena.testing.CollectSink;
import com.athena.testing.ListSource;
import com.athena.testing.MiniClusters;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Savepoint compatibility of the market job, the way Flink tests its own operators: a savepoint
 * taken from a release ({@code src/test/resources/savepoints/market-v3/}, the graph with one keyed
 * step per trade, its open bars written by {@code OpenBarsSerializer}) is restored into the current
 * code with non-restored state forbidden, the rest of the input is fed, and the outputs must equal
 * those of one uninterrupted run. A renamed uid, a removed stateful operator or an incompatible
 * state type therefore fails this test (and CI). The same graph's savepoint from before that
 * serializer ({@code market-v2}, open bars written by the POJO serializer) restores as it is: Flink
 * migrates the value on restore. The savepoint of the former graph ({@code market-v1}, five window
 * operators) restores through {@code bin/state migrate market}: {@link MarketMigrationITCase}.
 *
 * <p>Regenerate the fixture (only when a release deliberately breaks compatibility, and say so):
 * {@code mvn -B -ntp -pl jobs verify -Dspotless.check.skip=true -Dtest=NoSuchTest
 * -Dit.test=MarketSavepointFixture -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class MarketSavepointITCase {
    static final String FIXTURE = "savepoints/market-v3";

    /** The same graph, its open bars written by the POJO serializer. */
    static final String FIXTURE_V2 = "savepoints/market-v2";

    /** The savepoint of the former graph (de-duplication and five window operators). */
    static final String FIXTURE_V1 = "savepoints/market-v1";

    static final Path FIXTURE_SOURCE = Paths.get("src/test/resources", FIXTURE);

    /** Trades per symbol in the whole run, and how many of them precede the savepoint. */
    static final int TRADES = 10_000;

    static final int BEFORE_SAVEPOINT = 6_000;

    static final String BTC = "BTC-USD";
    static final String ETH = "ETH-USD";

    /** Snapshots fed before the savepoint only: afterwards they live in broadcast state. */
    static final List<String> SNAPSHOTS =
            List.of(
                    "{\"timestamp\":\"2013-11-25T00:15:00Z\",\"btc_price\":801.5,\"btc_24h_change\":-2.5,\"eth_24h_change\":1.5,\"fear_greed_index\":45,\"data_source\":\"fixture\"}",
                    "{\"timestamp\":\"2013-11-25T01:00:00Z\",\"btc_price\":795.0,\"btc_24h_change\":-6.0,\"eth_24h_change\":0.5,\"fear_greed_index\":30,\"data_source\":\"fixture\"}");

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.extension();

    @Test
    void restoresTheCommittedSavepointAndContinuesLikeAnUninterruptedRun() throws Exception {
        continuesLikeAnUninterruptedRun(fixtureSavepoint(), FIXTURE, "");
    }

    /**
     * Restores {@code savepoint} (taken after the first {@link #BEFORE_SAVEPOINT} trades of each
     * symbol, with the bars written before it listed in {@code fixture}), feeds the rest and checks
     * that the outputs are those of an uninterrupted run.
     */
    static void continuesLikeAnUninterruptedRun(String savepoint, String fixture, String runs)
            throws Exception {
        List<String> trades = tradePayloads();

        Run uninterrupted = new Run(runs + "uninterrupted");
        StreamExecutionEnvironment env = uninterrupted.env(trades, SNAPSHOTS, false);
        env.execute(env.getStreamGraph());

        Run restored = new Run(runs + "restored");
        env = restored.env(trades.subList(2 * BEFORE_SAVEPOINT, trades.size()), List.of(), false);
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        env.execute(graph);

        Set<String> before = new HashSet<>(readLines(fixture + "/bars-before-savepoint.txt"));
        Map<String, MarketBar> all = new HashMap<>();
        for (MarketBar row : uninterrupted.bars()) {
            assertThat(all.put(key(row), row)).as("duplicate bar %s", key(row)).isNull();
        }
        assertThat(all.keySet()).as("bars written before the savepoint").containsAll(before);
        assertThat(all).hasSizeGreaterThan(before.size() + 100);

        // Nothing lost, nothing doubled: the restored run writes exactly the bars the savepoint
        // had not, with the uninterrupted run's OHLCV and indicator values.
        List<MarketBar> expected =
                all.values().stream()
                        .filter(row -> !before.contains(key(row)))
                        .sorted(Comparator.comparing(MarketSavepointITCase::key))
                        .collect(Collectors.toList());
        List<MarketBar> actual =
                restored.bars().stream()
                        .sorted(Comparator.comparing(MarketSavepointITCase::key))
                        .collect(Collectors.toList());
        assertThat(actual).containsExactlyElementsOf(expected);

        // The market view after the last bar: restored keyed state (trend start) and broadcast
        // state (the newest snapshot, fed only before the savepoint) give the same view.
        assertThat(lastBySymbol(restored.conditions()))
                .isEqualTo(lastBySymbol(uninterrupted.conditions()))
                .containsKeys(BTC, ETH);
        assertThat(lastBySymbol(restored.conditions()).get(BTC).fearGreedIndex).isEqualTo(30);
        assertThat(lastBySymbol(restored.conditions()).get(BTC).barOpenTime).isNotNull();
        assertThat(uninterrupted.deadLetters()).isEmpty();
        assertThat(restored.deadLetters()).isEmpty();
    }

    @Test
    void restoresTheSavepointWhoseOpenBarsThePojoSerializerWrote() throws Exception {
        continuesLikeAnUninterruptedRun(fixtureSavepoint(FIXTURE_V2), FIXTURE_V2, "v2-");
    }

    @Test
    void theFixturesHoldTheOpenBarsInTheFormatTheyAreKeptFor() throws Exception {
        // The serializer snapshot of each state is written into the savepoint's metadata.
        assertThat(metadata(FIXTURE)).contains("OpenBarsSerializerSnapshot");
        assertThat(metadata(FIXTURE_V2))
                .doesNotContain("OpenBarsSerializerSnapshot")
                .contains("com.athena.common.market.OpenBars");
    }

    private static String metadata(String fixture) throws Exception {
        return new String(
                Files.readAllBytes(
                        Paths.get(java.net.URI.create(fixtureSavepoint(fixture)))
                                .resolve("_metadata")),
                StandardCharsets.ISO_8859_1);
    }

    @Test
    void fixtureWasWrittenBeforeTheFieldTheCurrentStatePojoAdds() throws Exception {
        // The restore of v1 (through the migration, which keeps the market view's state as it is)
        // is a POJO schema evolution only while the fixture's serializer snapshot lacks the field;
        // the snapshot records the POJO's field names.
        byte[] metadata =
                Files.readAllBytes(
                        Paths.get(java.net.URI.create(fixtureSavepoint(FIXTURE_V1)))
                                .resolve("_metadata"));
        String text = new String(metadata, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("trendSince").doesNotContain("barOpenTime");
        assertThat(MarketConditions.class.getField("barOpenTime")).isNotNull();
    }

    @Test
    void refusesToDropStateOfAnOperatorTheNewGraphLacks() throws Exception {
        // As if a release removed the market view or renamed its uid: the savepoint's state for
        // "market-conditions" maps to no operator, and dropping it must be a deliberate choice.
        Run run = new Run("without-conditions");
        run.withoutConditions = true;
        StreamExecutionEnvironment env = run.env(List.of(), List.of(), false);
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(
                SavepointRestoreSettings.forPath(fixtureSavepoint(), false));
        assertThatThrownBy(() -> env.execute(graph))
                .hasStackTraceContaining("Failed to rollback to checkpoint/savepoint")
                .hasStackTraceContaining("Cannot map checkpoint/savepoint state for operator")
                .hasStackTraceContaining("allowNonRestoredState");
    }

    @Test
    void refusesAMissingSavepoint() {
        Run run = new Run("missing");
        StreamExecutionEnvironment env = run.env(List.of(), List.of(), false);
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(
                SavepointRestoreSettings.forPath("file:///nonexistent/savepoint-0", false));
        assertThatThrownBy(() -> env.execute(graph))
                .hasStackTraceContaining("Cannot find checkpoint or savepoint file/directory")
                .hasStackTraceContaining("file:///nonexistent/savepoint-0");
    }

    /** One run of the production graph with injected bounded inputs and collecting sinks. */
    static final class Run {
        final String name;
        boolean withoutConditions;

        Run(String name) {
            this.name = name;
        }

        StreamExecutionEnvironment env(
                List<String> trades, List<String> snapshots, boolean stayOpen) {
            Configuration config = CommonOptions.fromArgs(new String[0]);
            // Replays: no wall-clock watermark advance, so the run is deterministic.
            config.set(MarketOptions.QUIET_ADVANCE, Duration.ZERO);
            MarketSettings settings = new MarketSettings(config);
            Configuration cluster = new Configuration();
            // As on the cluster: RocksDB, so the fixture is what production writes.
            cluster.setString("state.backend.type", "rocksdb");
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(cluster);
            env.setParallelism(MiniClusters.PARALLELISM);
            TypeInformation<RawRecord> raw = TypeInformation.of(RawRecord.class);
            MarketJob.Sources sources =
                    new MarketJob.Sources(
                            new MarketJob.Input<>(
                                    SourceFactory.legacy(
                                            new ListSource(name + "-trades", trades, stayOpen),
                                            raw),
                                    settings.tradeParser::parse,
                                    MarketNames.DLQ_TRADES),
                            null,
                            new MarketJob.Input<>(
                                    SourceFactory.legacy(
                                            new ListSource(
                                                    name + "-snapshots", snapshots, stayOpen),
                                            raw),
                                    settings.snapshotParser::parse,
                                    MarketNames.DLQ_SNAPSHOTS));
            MarketJob.Sinks sinks =
                    new MarketJob.Sinks(
                            List.of(
                                    NamedSink.of(
                                            MarketNames.SINK_MARKET_DATA,
                                            new CollectSink<MarketBar>(name + "-bars"))),
                            List.of(),
                            withoutConditions
                                    ? List.of()
                                    : List.of(
                                            NamedSink.of(
                                                    MarketNames.SINK_CONDITIONS,
                                                    new CollectSink<MarketConditions>(
                                                            name + "-conditions"))),
                            List.of(
                                    NamedSink.of(
                                            MarketNames.SINK_DEAD_LETTERS_JDBC,
                                            new CollectSink<DeadLetter>(name + "-dead-letters"))));
            new MarketJob(sources, sinks, settings).build(env);
            return env;
        }

        List<MarketBar> bars() {
            return CollectSink.results(name + "-bars");
        }

        List<MarketConditions> conditions() {
            return CollectSink.results(name + "-conditions");
        }

        List<DeadLetter> deadLetters() {
            return CollectSink.results(name + "-dead-letters");
        }
    }

    /**
     * BTC-USD: the real Bitstamp trades; ETH-USD: the same times with other prices; interleaved.
     */
    static List<String> tradePayloads() throws Exception {
        List<String> payloads = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(
                                MarketSavepointITCase.class.getResourceAsStream(
                                        "/bitstamp_trades_from_20131125_usd.csv"),
                                StandardCharsets.UTF_8))) {
            reader.readLine();
            String line;
            long lineNumber = 1;
            while ((line = reader.readLine()) != null && payloads.size() < 2 * TRADES) {
                lineNumber++;
                String[] c = line.split(",");
                long ts = Long.parseLong(c[0]) * 1000;
                double price = Double.parseDouble(c[1]);
                double size = Double.parseDouble(c[2]);
                if (size <= 0) {
                    continue;
                }
                payloads.add(trade(BTC, ts, price, size, lineNumber));
                payloads.add(
                        trade(ETH, ts, price / 16 + (ts / 1000 % 7) * 0.01, size * 10, lineNumber));
            }
        }
        return payloads;
    }

    static String trade(String symbol, long ts, double price, double size, long id) {
        return JsonFields.MAPPER
                .createObjectNode()
                .put("symbol", symbol)
                .put("ts", ts)
                .put("price", price)
                .put("size", size)
                .put("trade_id", Long.toString(id))
                .put("source", "fixture")
                .toString();
    }

    static String key(MarketBar row) {
        return row.bar.symbol
                + "|"
                + row.bar.timeframe
                + "|"
                + String.format("%015d", row.bar.openTime);
    }

    private static Map<String, MarketConditions> lastBySymbol(List<MarketConditions> all) {
        Map<String, MarketConditions> last = new HashMap<>();
        for (MarketConditions c : all) {
            last.merge(c.symbol, c, (a, b) -> b.timestamp >= a.timestamp ? b : a);
        }
        return last;
    }

    static String fixtureSavepoint() throws Exception {
        return fixtureSavepoint(FIXTURE);
    }

    static String fixtureSavepoint(String fixture) throws Exception {
        java.net.URL url =
                MarketSavepointITCase.class.getResource("/" + fixture + "/savepoint/_metadata");
        assertThat(url)
                .as("no fixture savepoint on the classpath; generate it (see the class comment)")
                .isNotNull();
        return Paths.get(url.toURI()).getParent().toUri().toString();
    }

    static List<String> readLines(String resource) throws Exception {
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(
                                MarketSavepointITCase.class.getResourceAsStream("/" + resource),
                                StandardCharsets.UTF_8))) {
            return reader.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
        }
    }

    static void awaitQuiet(List<?> output) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        int last = -1;
        int stable = 0;
        while (stable < 6 && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            int now = output.size();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
    }

    static void deleteRecursively(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    static void copyRecursively(Path from, Path to) throws Exception {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.collect(Collectors.toList())) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
