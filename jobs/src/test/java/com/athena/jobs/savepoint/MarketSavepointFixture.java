package com.athena.jobs.savepoint;

import com.athena.common.json.JsonFields;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.jobs.market.MarketOptions;
import com.athena.testing.ListSource;
import com.athena.testing.MiniClusters;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static com.athena.jobs.savepoint.MarketSavepointITCase.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regenerates the committed market savepoint fixture that {@link MarketSavepointITCase} restores.
 * Not part of CI (the name matches neither *Test nor *ITCase); run it only when a release
 * deliberately breaks state compatibility: {@code mvn -B -ntp -pl jobs verify
 * -Dspotless.check.skip=true -Dtest=NoSuchTest -Dit.test=MarketSavepointFixture
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class MarketSavepointFixture {

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.extension();

    @Test
    void generateFixture() throws Exception {
        List<String> trades = tradePayloads();
        Run run = new Run("generate");
        StreamExecutionEnvironment env =
                run.env(trades.subList(0, 2 * BEFORE_SAVEPOINT), SNAPSHOTS, true);
        JobClient job = env.executeAsync(env.getStreamGraph());
        try {
            assertThat(ListSource.EMITTED.get("generate-trades").await(120, TimeUnit.SECONDS))
                    .isTrue();
            assertThat(ListSource.EMITTED.get("generate-snapshots").await(120, TimeUnit.SECONDS))
                    .isTrue();
            // Every emitted record is processed before the barrier, but a watermark may still be
            // on its way: wait until every bar that the last watermark closes has been written
            // (on a loaded machine output can pause for longer than any quiet period), then for
            // quiet, and check afterwards that nothing closed after the barrier.
            Set<String> closing =
                    barsClosedByTheLastWatermark(trades.subList(0, 2 * BEFORE_SAVEPOINT));
            long deadline = System.currentTimeMillis() + 120_000;
            while (!keys(run.bars()).containsAll(closing)
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            awaitQuiet(run.bars());
            Path tmp = Files.createTempDirectory("market-savepoint");
            String savepoint =
                    job.triggerSavepoint(tmp.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get(120, TimeUnit.SECONDS);
            job.cancel().get(60, TimeUnit.SECONDS);

            deleteRecursively(FIXTURE_SOURCE);
            copyRecursively(
                    Paths.get(java.net.URI.create(savepoint)), FIXTURE_SOURCE.resolve("savepoint"));
            List<String> before =
                    run.bars().stream()
                            .map(MarketSavepointITCase::key)
                            .sorted()
                            .collect(Collectors.toList());
            assertThat(new HashSet<>(before))
                    .as("the bars the watermark before the savepoint closes, and no others")
                    .isEqualTo(closing);
            Files.write(FIXTURE_SOURCE.resolve("bars-before-savepoint.txt"), before);
            assertThat(run.deadLetters()).isEmpty();
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static Set<String> keys(List<MarketBar> bars) {
        return bars.stream().map(MarketSavepointITCase::key).collect(Collectors.toSet());
    }

    /**
     * The keys of the bars that close at or before the last watermark of these trades: their
     * largest time minus the default out-of-orderness, minus 1 (no wall-clock advance in a replay).
     */
    private static Set<String> barsClosedByTheLastWatermark(List<String> payloads)
            throws Exception {
        long maxTs = Long.MIN_VALUE;
        List<JsonNode> trades = new ArrayList<>();
        for (String p : payloads) {
            JsonNode t = JsonFields.MAPPER.readTree(p);
            trades.add(t);
            maxTs = Math.max(maxTs, t.get("ts").asLong());
        }
        long watermark = maxTs - MarketOptions.OUT_OF_ORDERNESS.defaultValue().toMillis() - 1;
        Set<String> keys = new HashSet<>();
        for (JsonNode t : trades) {
            for (Timeframe tf : Timeframe.values()) {
                long start = tf.windowStart(t.get("ts").asLong());
                if (start + tf.millis() - 1 <= watermark) {
                    keys.add(
                            t.get("symbol").asText()
                                    + "|"
                                    + tf.label()
                                    + "|"
                                    + String.format("%015d", start));
                }
            }
        }
        return keys;
    }
}
