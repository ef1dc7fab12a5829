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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static com.athena.jobs.savepoint.TreasurySavepointITCase.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regenerates the committed treasury savepoint fixture that {@link TreasurySavepointITCase}
 * restores. Not part of CI (the name matches neither *Test nor *ITCase); run it only when a release
 * deliberately breaks state compatibility: {@code mvn -B -ntp -pl jobs verify
 * -Dspotless.check.skip=true -Dtest=NoSuchTest -Dit.test=TreasurySavepointFixture
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class TreasurySavepointFixture {

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.extension();

    @Test
    void generateFixture() throws Exception {
        Run run = new Run("treasury-generate");
        StreamExecutionEnvironment env =
                run.env(costs(0, DAYS_BEFORE_SAVEPOINT), balances(0, DAYS_BEFORE_SAVEPOINT), true);
        JobClient job = env.executeAsync(env.getStreamGraph());
        try {
            assertThat(
                            ListSource.EMITTED
                                    .get("treasury-generate-costs")
                                    .await(120, TimeUnit.SECONDS))
                    .isTrue();
            assertThat(
                            ListSource.EMITTED
                                    .get("treasury-generate-balances")
                                    .await(120, TimeUnit.SECONDS))
                    .isTrue();
            awaitQuiet(run.snapshots());
            Path tmp = Files.createTempDirectory("treasury-savepoint");
            String savepoint =
                    job.triggerSavepoint(tmp.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get(120, TimeUnit.SECONDS);
            job.cancel().get(60, TimeUnit.SECONDS);
            MarketSavepointITCase.deleteRecursively(FIXTURE_SOURCE);
            MarketSavepointITCase.copyRecursively(
                    Paths.get(java.net.URI.create(savepoint)), FIXTURE_SOURCE.resolve("savepoint"));
            Files.write(
                    FIXTURE_SOURCE.resolve("day-closes-before-savepoint.txt"),
                    dayCloses(run.snapshots()).keySet().stream()
                            .sorted()
                            .collect(Collectors.toList()));
            assertThat(run.deadLetters()).isEmpty();
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }
}
