package com.athena.jobs.market;

import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.RawRecord;
import com.athena.common.flink.LineFileSink;
import com.athena.common.flink.NamedSink;
import com.athena.common.market.BarCsv;
import com.athena.common.market.MarketConditions;
import com.athena.common.market.Timeframe;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The market view works without a snapshot feed: the absent broadcast input is a source of no
 * records that finishes at once, so the job runs to its end and every bar still shapes the view.
 */
class MarketJobWithoutSnapshotsTest {

    @Test
    void theMarketViewNeedsNoSnapshots(@TempDir Path dir) throws Exception {
        List<RawRecord> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            double close = 100 + i;
            lines.add(
                    new RawRecord(
                            Instant.ofEpochMilli(i * 3_600_000L)
                                    + ","
                                    + close
                                    + ","
                                    + (close + 1)
                                    + ","
                                    + (close - 1)
                                    + ","
                                    + close
                                    + ",1",
                            "bars:" + (i + 2),
                            0));
        }
        MarketSettings settings = new MarketSettings(CommonOptions.fromArgs(new String[0]));
        Path out = dir.resolve("conditions.txt");
        MarketJob.Sources sources =
                new MarketJob.Sources(
                        null,
                        new MarketJob.Input<>(
                                (env, name) ->
                                        env.fromData(lines, TypeInformation.of(RawRecord.class)),
                                (line, now) -> BarCsv.parse(line, "BTC", Timeframe.H1),
                                "test"),
                        null);
        MarketJob.Sinks sinks =
                new MarketJob.Sinks(
                        List.of(),
                        List.of(),
                        List.of(
                                new NamedSink<MarketConditions>(
                                        "conditions-file",
                                        new LineFileSink<>(
                                                out,
                                                null,
                                                c ->
                                                        c.symbol
                                                                + ","
                                                                + c.timestamp
                                                                + ","
                                                                + c.trendDirection),
                                        1)),
                        List.of());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        CommonOptions.fromArgs(new String[0]));
        env.setParallelism(1);
        new MarketJob(sources, sinks, settings).build(env);
        env.execute("market-without-snapshots");

        List<String> views = Files.readAllLines(out);
        assertThat(views).hasSize(30);
        assertThat(views.get(29)).isEqualTo("BTC," + 30 * 3_600_000L + ",null");
    }
}
