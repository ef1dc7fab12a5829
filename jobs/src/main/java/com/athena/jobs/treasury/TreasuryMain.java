package com.athena.jobs.treasury;

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
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryTransition;
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
 * Runs the treasury job against the configured services: Pub/Sub {@code agent-costs}, Kafka {@code
 * treasury.events} and Pub/Sub {@code market-snapshots} in; Firestore, BigQuery, TimescaleDB, Kafka
 * {@code agent.transitions} and dead letters out. Only parses configuration and builds the real
 * connectors; {@link TreasuryJob} builds the graph.
 */
public final class TreasuryMain {
    private TreasuryMain() {}

    public static void main(String[] args) throws Exception {
        Configuration config = JobOptions.fromClusterAndArgs(args);
        StreamExecutionEnvironment env = JobOptions.environment(config);
        build(config, ServiceEnvironment.load()).build(env);
        env.execute(TreasuryNames.JOB_NAME);
    }

    /** The job wired to the real connectors named by the configuration and the services env. */
    static TreasuryJob build(Configuration config, ServiceEnvironment services) throws IOException {
        return build(
                config,
                services,
                config.get(CommonOptions.BIGQUERY_ENABLED)
                        ? StorageWriteEndpoint.from(services)
                        : null);
    }

    /** As above, with the given BigQuery Storage Write endpoint (null: no BigQuery sinks). */
    static TreasuryJob build(
            Configuration config, ServiceEnvironment services, StorageWriteEndpoint bigquery)
            throws IOException {
        TreasurySettings settings = new TreasurySettings(config);
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint timescale = JdbcEndpoint.timescale(services);
        String costs = config.get(TreasuryOptions.COSTS_SUBSCRIPTION);
        String snapshots = config.get(TreasuryOptions.SNAPSHOTS_SUBSCRIPTION);

        TreasuryJob.Sources sources =
                new TreasuryJob.Sources(
                        new TreasuryJob.Input<>(
                                PubSubSources.raw(pubsub, costs, config),
                                settings.eventParser,
                                TreasuryNames.DLQ_COSTS),
                        new TreasuryJob.Input<>(
                                SourceFactory.of(
                                        KafkaSources.raw(
                                                kafka,
                                                config.get(TreasuryOptions.EVENTS_TOPIC),
                                                config.get(CommonOptions.KAFKA_GROUP_ID),
                                                config.get(CommonOptions.SOURCE_BOUNDED)),
                                        TypeInformation.of(RawRecord.class)),
                                settings.eventParser,
                                TreasuryNames.DLQ_BALANCES),
                        new TreasuryJob.Input<>(
                                PubSubSources.raw(pubsub, snapshots, config),
                                settings.snapshotParser::parse,
                                TreasuryNames.DLQ_SNAPSHOTS),
                        null);

        List<NamedSink<TreasurySnapshot>> treasury = new ArrayList<>();
        List<NamedSink<TreasurySnapshot>> history = new ArrayList<>();
        List<NamedSink<TreasuryTransition>> transitions = new ArrayList<>();
        List<NamedSink<CostRecord>> costRows = new ArrayList<>();
        List<NamedSink<DailyCost>> dailyCosts = new ArrayList<>();
        JdbcExecutionOptions jdbc = CommonOptions.jdbcExecution(config);
        history.add(
                NamedSink.of(
                        TreasuryNames.SINK_SNAPSHOTS_TIMESCALE,
                        TreasuryJdbcSinks.snapshots(timescale, jdbc)));
        costRows.add(
                NamedSink.of(
                        TreasuryNames.SINK_COSTS_TIMESCALE,
                        TreasuryJdbcSinks.costs(timescale, jdbc)));
        transitions.add(
                NamedSink.of(
                        TreasuryNames.SINK_TRANSITIONS_KAFKA,
                        TreasuryKafkaSinks.transitions(
                                kafka,
                                config.get(TreasuryOptions.TRANSITIONS_TOPIC),
                                settings.transitionsDelivery,
                                TreasuryNames.JOB_NAME + "-transitions")));
        if (config.get(CommonOptions.FIRESTORE_ENABLED)) {
            FirestoreEndpoint firestore = FirestoreEndpoint.from(services);
            FirestoreSinkOptions options =
                    FirestoreSinkOptions.builder()
                            .minInterval(settings.firestoreMinInterval)
                            .build();
            treasury.add(
                    NamedSink.of(
                            TreasuryNames.SINK_TREASURY_FIRESTORE,
                            new FirestoreSink<>(
                                    firestore, new TreasuryDocuments.Treasury(), options)));
            dailyCosts.add(
                    NamedSink.of(
                            TreasuryNames.SINK_COSTS_FIRESTORE,
                            new FirestoreSink<>(
                                    firestore, new TreasuryDocuments.Costs(), options)));
            transitions.add(
                    NamedSink.of(
                            TreasuryNames.SINK_LOGS_FIRESTORE,
                            new FirestoreSink<>(
                                    firestore, new TreasuryDocuments.SystemLogs(), options)));
        }
        if (bigquery != null) {
            history.add(
                    BigQuerySinks.storageWrite(
                            bigquery,
                            new TreasuryRows.Snapshots(),
                            TreasuryNames.SINK_SNAPSHOTS_BIGQUERY,
                            TreasuryNames.rejectedRows(TreasuryNames.SINK_SNAPSHOTS_BIGQUERY),
                            TreasuryNames.DLQ_BIGQUERY_SNAPSHOTS,
                            kafka,
                            config.get(TreasuryOptions.DLQ_TOPIC),
                            timescale,
                            config));
            costRows.add(
                    BigQuerySinks.storageWrite(
                            bigquery,
                            new TreasuryRows.Costs(),
                            TreasuryNames.SINK_COSTS_BIGQUERY,
                            TreasuryNames.rejectedRows(TreasuryNames.SINK_COSTS_BIGQUERY),
                            TreasuryNames.DLQ_BIGQUERY_COSTS,
                            kafka,
                            config.get(TreasuryOptions.DLQ_TOPIC),
                            timescale,
                            config));
        }
        TreasuryJob.Sinks sinks =
                new TreasuryJob.Sinks(
                        treasury,
                        history,
                        List.of(),
                        transitions,
                        costRows,
                        dailyCosts,
                        List.of(
                                NamedSink.of(
                                        TreasuryNames.SINK_METRICS_TIMESCALE,
                                        TreasuryJdbcSinks.metrics(timescale, jdbc))),
                        List.<NamedSink<DeadLetter>>of(
                                NamedSink.of(
                                        TreasuryNames.SINK_DEAD_LETTERS_KAFKA,
                                        KafkaSinks.deadLetters(
                                                kafka, config.get(TreasuryOptions.DLQ_TOPIC))),
                                NamedSink.of(
                                        TreasuryNames.SINK_DEAD_LETTERS_TIMESCALE,
                                        JdbcSinks.deadLetters(timescale, jdbc))));
        return new TreasuryJob(sources, sinks, settings);
    }
}
