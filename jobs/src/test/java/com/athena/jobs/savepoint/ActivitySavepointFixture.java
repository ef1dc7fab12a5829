package com.athena.jobs.savepoint;

import com.athena.testing.ListSource;
import com.athena.testing.MiniClusters;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.athena.jobs.savepoint.ActivitySavepointITCase.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regenerates the committed activity savepoint fixture that {@link ActivitySavepointITCase}
 * restores. Not part of CI (the name matches neither *Test nor *ITCase); run it only when a release
 * deliberately breaks state compatibility: {@code mvn -B -ntp -pl jobs -am verify
 * -Dspotless.check.skip=true -Dtest=NoSuchTest -Dit.test=ActivitySavepointFixture
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
class ActivitySavepointFixture {

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.extension();

    @Test
    void generateFixture() throws Exception {
        Run run = new Run("activity-generate");
        StreamExecutionEnvironment env =
                run.env(
                        before(activity()),
                        List.of(),
                        before(transitions()),
                        List.of(),
                        before(conditions()),
                        List.of(),
                        true);
        JobClient job = env.executeAsync(env.getStreamGraph());
        try {
            for (String input : List.of("activity", "transitions", "conditions")) {
                assertThat(
                                ListSource.EMITTED
                                        .get("activity-generate-" + input)
                                        .await(120, TimeUnit.SECONDS))
                        .as(input)
                        .isTrue();
            }
            // The memories follow every event at once; the decisions follow the watermark,
            // which moves once the idle inputs are marked idle.
            TreasurySavepointITCase.awaitQuiet(run.memories());
            TreasurySavepointITCase.awaitQuiet(run.decisions());
            Path tmp = Files.createTempDirectory("activity-savepoint");
            String savepoint =
                    job.triggerSavepoint(tmp.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get(120, TimeUnit.SECONDS);
            job.cancel().get(60, TimeUnit.SECONDS);
            MarketSavepointITCase.deleteRecursively(FIXTURE_SOURCE);
            MarketSavepointITCase.copyRecursively(
                    Paths.get(URI.create(savepoint)), FIXTURE_SOURCE.resolve("savepoint"));
            Files.write(
                    FIXTURE_SOURCE.resolve("decisions-before-savepoint.txt"),
                    decisionKeys(run.decisions()).stream().sorted().toList());
            // Some decisions joined before the savepoint, the last two hours' wait in its state.
            assertThat(run.decisions()).isNotEmpty().hasSizeLessThan(AGENTS.size() * 24);
            assertThat(run.deadLetters())
                    .extracting(d -> d.source)
                    .containsExactly(com.athena.jobs.activity.ActivityNames.DLQ_DUPLICATES);
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }
}
