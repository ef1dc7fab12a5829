package com.athena.jobs.savepoint;

import com.athena.jobs.market.MarketMigration;
import com.athena.testing.MiniClusters;

import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static com.athena.jobs.savepoint.MarketSavepointITCase.FIXTURE_V1;
import static com.athena.jobs.savepoint.MarketSavepointITCase.Run;
import static com.athena.jobs.savepoint.MarketSavepointITCase.continuesLikeAnUninterruptedRun;
import static com.athena.jobs.savepoint.MarketSavepointITCase.fixtureSavepoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The upgrade from the former market graph (de-duplication and five window operators; the committed
 * {@code market-v1} savepoint) to one keyed step per trade: {@link MarketMigration} ({@code
 * bin/state migrate market}) converts the open windows, de-duplication ids and timers, the restored
 * job continues exactly like an uninterrupted run, and without the migration the restore is refused
 * rather than silently dropping the open bars.
 */
class MarketMigrationITCase {

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.extension();

    @Test
    void theFormerGraphsSavepointContinuesLikeAnUninterruptedRunAfterTheMigration(@TempDir Path dir)
            throws Exception {
        String migrated = dir.resolve("migrated").toUri().toString();
        MarketMigration.Result result =
                MarketMigration.migrate(fixtureSavepoint(FIXTURE_V1), migrated);

        assertThat(result.symbols()).isEqualTo(2);
        assertThat(result.openBars())
                .as("open bars of both symbols, every timeframe")
                .isGreaterThan(8);
        // v1 was taken before the de-duplication existed: windows only (the de-duplication's
        // ids and timers are covered by MarketMigrationTest).
        assertThat(result.ids()).isZero();
        assertThat(result.removedUids())
                .containsExactly("bars-1m", "bars-5m", "bars-15m", "bars-1h", "bars-1d");
        continuesLikeAnUninterruptedRun(migrated, FIXTURE_V1, "migrated-");
    }

    @Test
    void withoutTheMigrationTheFormerGraphsSavepointIsRefused() throws Exception {
        Run run = new Run("v1-unmigrated");
        StreamExecutionEnvironment env = run.env(List.of(), List.of(), false);
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(
                SavepointRestoreSettings.forPath(fixtureSavepoint(FIXTURE_V1), false));
        assertThatThrownBy(() -> env.execute(graph))
                .hasStackTraceContaining("Cannot map checkpoint/savepoint state for operator")
                .hasStackTraceContaining("allowNonRestoredState");
    }

    @Test
    void aSavepointOfTheCurrentGraphNeedsNoMigration(@TempDir Path dir) {
        assertThatThrownBy(
                        () ->
                                MarketMigration.migrate(
                                        fixtureSavepoint(), dir.resolve("x").toUri().toString()))
                .hasMessageContaining("restore it directly");
    }
}
