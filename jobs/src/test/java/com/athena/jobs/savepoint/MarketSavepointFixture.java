package com.athena.jobs.savepoint;

import com.athena.testing.ListSource;
import com.athena.testing.MiniClusters;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
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
            // Every emitted record is processed before the barrier; waiting for quiet as well
            // keeps bars that a late periodic watermark would still close out of the picture.
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
            Files.write(FIXTURE_SOURCE.resolve("bars-before-savepoint.txt"), before);
            assertThat(run.deadLetters()).isEmpty();
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }
}
