package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.EnrichedDecision;
import com.athena.common.activity.MemoryRecord;
import com.athena.common.bigquery.StorageWriteEndpoint;
import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSinks;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.firestore.FirestoreSink;
import com.athena.common.firestore.FirestoreSinkOptions;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.jobs.BigQuerySinks;
import com.athena.jobs.JobOptions;
import com.athena.jobs.PubSubSources;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the activity job against the configured services: Pub/Sub {@code agent-activity}, Kafka
 * {@code agent.transitions} and {@code market.conditions} in; BigQuery, Firestore, TimescaleDB and
 * dead letters out. Only parses configuration and builds the real connectors; {@link ActivityJob}
 * builds the graph.
 */
public final class ActivityMain {
    private ActivityMain() {}

    public static void main(String[] args) throws Exception {
        Configuration config = JobOptions.fromClusterAndArgs(args);
        StreamExecutionEnvironment env = JobOptions.environment(config);
        build(config, ServiceEnvironment.load()).build(env);
        env.execute(ActivityNames.JOB_NAME);
    }

    /** The job wired to the real connectors named by the configuration and the services env. */
    static ActivityJob build(Configuration config, ServiceEnvironment services) throws IOException {
        return build(
                config,
                services,
                config.get(CommonOptions.BIGQUERY_ENABLED)
                        ? StorageWriteEndpoint.from(services)
                        : null);
    }

    /** As above, with the given BigQuery Storage Write endpoint (null: no BigQuery sinks). */
    static ActivityJob build(
            Configuration config, ServiceEnvironment services, StorageWriteEndpoint bigquery)
            throws IOException {
        ActivitySettings settings = new ActivitySettings(config);
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint timescale = JdbcEndpoint.timescale(services);
        String groupId = config.get(CommonOptions.KAFKA_GROUP_ID);
        boolean bounded = config.get(CommonOptions.SOURCE_BOUNDED);
        String dlqTopic = config.get(ActivityOptions.DLQ_TOPIC);

        ActivityJob.Sources sources =
                new ActivityJob.Sources(
                        new ActivityJob.Input<>(
                                PubSubSources.raw(
                                        pubsub,
                                        config.get(ActivityOptions.ACTIVITY_SUBSCRIPTION),
                                        config),
                                settings.eventParser,
                                ActivityNames.DLQ_ACTIVITY),
                        new ActivityJob.Input<>(
                                kafka(
                                        kafka,
                                        config.get(ActivityOptions.TRANSITIONS_TOPIC),
                                        groupId,
                                        bounded),
                                settings.contextParser,
                                ActivityNames.DLQ_TRANSITIONS),
                        new ActivityJob.Input<>(
                                kafka(
                                        kafka,
                                        config.get(ActivityOptions.CONDITIONS_TOPIC),
                                        groupId,
                                        bounded),
                                settings.conditionParser,
                                ActivityNames.DLQ_CONDITIONS));

        JdbcExecutionOptions jdbc = CommonOptions.jdbcExecution(config);
        List<NamedSink<EnrichedDecision>> decisions = new ArrayList<>();
        List<NamedSink<RecentDecisions>> recent = new ArrayList<>();
        List<NamedSink<MemoryRecord>> formations = new ArrayList<>();
        List<NamedSink<ActivityEvent>> metrics = new ArrayList<>();
        List<NamedSink<ActivityEvent>> yields = new ArrayList<>();
        yields.add(
                NamedSink.of(
                        ActivityNames.SINK_YIELDS_TIMESCALE,
                        ActivityJdbcSinks.yields(timescale, jdbc)));
        if (config.get(CommonOptions.FIRESTORE_ENABLED)) {
            FirestoreEndpoint firestore = FirestoreEndpoint.from(services);
            FirestoreSinkOptions options =
                    FirestoreSinkOptions.builder()
                            .minInterval(settings.firestoreMinInterval)
                            .build();
            recent.add(
                    NamedSink.of(
                            ActivityNames.SINK_DECISIONS_FIRESTORE,
                            new FirestoreSink<>(
                                    firestore, new ActivityDocuments.Decisions(), options)));
            yields.add(
                    NamedSink.of(
                            ActivityNames.SINK_PROTOCOLS_FIRESTORE,
                            new FirestoreSink<>(
                                    firestore, new ActivityDocuments.Protocols(), options)));
        }
        if (bigquery != null) {
            decisions.add(
                    BigQuerySinks.storageWrite(
                            bigquery,
                            new ActivityRows.Decisions(),
                            ActivityNames.SINK_DECISIONS_BIGQUERY,
                            ActivityNames.rejectedRows(ActivityNames.SINK_DECISIONS_BIGQUERY),
                            ActivityNames.DLQ_BIGQUERY_DECISIONS,
                            kafka,
                            dlqTopic,
                            timescale,
                            config));
            formations.add(
                    BigQuerySinks.storageWrite(
                            bigquery,
                            new ActivityRows.Memories(),
                            ActivityRows.Memories::sequenceNumber,
                            ActivityNames.SINK_MEMORIES_BIGQUERY,
                            ActivityNames.rejectedRows(ActivityNames.SINK_MEMORIES_BIGQUERY),
                            ActivityNames.DLQ_BIGQUERY_MEMORIES,
                            kafka,
                            dlqTopic,
                            timescale,
                            config));
            metrics.add(
                    BigQuerySinks.storageWrite(
                            bigquery,
                            new ActivityRows.Metrics(),
                            ActivityNames.SINK_METRICS_BIGQUERY,
                            ActivityNames.rejectedRows(ActivityNames.SINK_METRICS_BIGQUERY),
                            ActivityNames.DLQ_BIGQUERY_METRICS,
                            kafka,
                            dlqTopic,
                            timescale,
                            config));
        }
        ActivityJob.Sinks sinks =
                new ActivityJob.Sinks(
                        decisions,
                        recent,
                        formations,
                        List.of(
                                NamedSink.of(
                                        ActivityNames.SINK_MEMORIES_TIMESCALE,
                                        ActivityJdbcSinks.memories(timescale, jdbc))),
                        metrics,
                        yields,
                        List.<NamedSink<DeadLetter>>of(
                                NamedSink.of(
                                        ActivityNames.SINK_DEAD_LETTERS_KAFKA,
                                        KafkaSinks.deadLetters(kafka, dlqTopic)),
                                NamedSink.of(
                                        ActivityNames.SINK_DEAD_LETTERS_TIMESCALE,
                                        JdbcSinks.deadLetters(timescale, jdbc))));
        return new ActivityJob(sources, sinks, settings);
    }

    private static SourceFactory<RawRecord> kafka(
            KafkaEndpoint kafka, String topic, String groupId, boolean bounded) {
        return SourceFactory.of(
                KafkaSources.raw(kafka, topic, groupId, bounded),
                TypeInformation.of(RawRecord.class));
    }
}
