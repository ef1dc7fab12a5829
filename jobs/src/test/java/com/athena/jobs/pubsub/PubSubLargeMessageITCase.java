package com.athena.jobs.pubsub;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.connectors.RawPubSubMessages;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.EventTimeParser;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.flink.SourceFactory;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.market.MarketSnapshotParser;
import com.athena.testing.CollectSink;
import com.athena.testing.Feeds;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;
import com.athena.testing.Waits;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Pub/Sub message above gRPC's default 4 MiB inbound limit (6 MB, below Pub/Sub's 10 MB) among
 * good snapshots: the source receives it, the parse step dead-letters it as too large, the good
 * snapshots arrive, and the job neither fails a pull nor restarts.
 */
@RequiresServices({RealService.PUBSUB})
class PubSubLargeMessageITCase {
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(REPORTER);

    @Test
    void aSixMegabyteMessageIsADeadLetterNotARedeliveryLoop() throws Exception {
        PubSubEndpoint pubsub = PubSubEndpoint.from(ServiceEnvironment.load());
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it-large-" + run;
        String subscription = "it-large-sub-" + run;
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            bodies.add(
                    "{\"timestamp\":\"2024-01-15T0"
                            + (i % 10)
                            + ":00:00Z\",\"btc_price\":"
                            + (40000 + i)
                            + ",\"btc_24h_change\":1.0,\"fear_greed_index\":50,\"data_source\":\""
                            + run
                            + "\"}");
            if (i == 5) {
                bodies.add("{\"padding\":\"" + "x".repeat(6_000_000) + "\"}");
            }
        }
        Feeds.publish(pubsub, topic, subscription, bodies);

        Configuration config = CommonOptions.fromArgs(new String[0]);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        // The source acknowledges on checkpoints only.
        env.enableCheckpointing(500);
        String snapshotsSink = "large-snapshots-" + run;
        String lettersSink = "large-letters-" + run;
        SingleOutputStreamOperator<MarketSnapshot> parsed =
                SourceFactory.legacy(
                                pubsub.source(
                                        subscription,
                                        new RawPubSubMessages(subscription),
                                        100,
                                        Duration.ofSeconds(15),
                                        3),
                                TypeInformation.of(RawRecord.class))
                        .create(env, "large-source", null)
                        .process(
                                new ParseOrDeadLetter<>(
                                        "it",
                                        EventTimeParser.plain(
                                                new MarketSnapshotParser(120_000L)::parse)),
                                TypeInformation.of(MarketSnapshot.class))
                        .uid("large-parse")
                        .name("large-parse");
        parsed.sinkTo(new CollectSink<MarketSnapshot>(snapshotsSink)).uid("large-snapshots");
        parsed.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS)
                .sinkTo(new CollectSink<DeadLetter>(lettersSink))
                .uid("large-letters");
        JobClient job = env.executeAsync("pubsub-large-message-it");
        try {
            Waits.until(
                    "10 snapshots and 1 dead letter",
                    Duration.ofSeconds(120),
                    () ->
                            CollectSink.results(snapshotsSink).size() >= 10
                                    && !CollectSink.results(lettersSink).isEmpty());
            assertThat(MiniClusters.restarts(REPORTER, job.getJobID())).isZero();
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        List<DeadLetter> letters = CollectSink.results(lettersSink);
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).reason).contains("above the bound");
        assertThat(CollectSink.<MarketSnapshot>results(snapshotsSink)).hasSize(10);
    }
}
