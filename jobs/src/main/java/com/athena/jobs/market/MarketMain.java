package com.athena.jobs.market;

import com.athena.common.bigquery.StorageWriteEndpoint;
import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSinks;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.connectors.RawRecord;
import com.athena.common.firestore.FirestoreSink;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.market.MarketBar;
import com.athena.common.market.MarketConditions;
import com.athena.common.market.MarketSnapshot;
import com.athena.jobs.BigQuerySinks;
import com.athena.jobs.JobOptions;
import com.athena.jobs.PubSubSources;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the market job against the configured services: Kafka trades and Pub/Sub snapshots in;
 * TimescaleDB, BigQuery, Firestore and the dead-letter outputs out. Only parses configuration and
 * builds the real connectors; {@link MarketJob} builds the graph.
 */
public final class MarketMain {
    /** The {@code source} column of the rows this job writes. */
    public static final String ROW_SOURCE = "market-job";

    private MarketMain() {}

    public static void main(String[] args) throws Exception {
        Configuration config = JobOptions.fromClusterAndArgs(args);
        StreamExecutionEnvironment env = JobOptions.environment(config);
        build(config, ServiceEnvironment.load()).build(env);
        env.execute(MarketNames.JOB_NAME);
    }

    /** The job wired to the real connectors named by the configuration and the services env. */
    static MarketJob build(Configuration config, ServiceEnvironment services) throws Exception {
        MarketSettings settings = new MarketSettings(config);
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint timescale = JdbcEndpoint.timescale(services);
        JdbcExecutionOptions jdbc = CommonOptions.jdbcExecution(config);
        String subscription = config.get(MarketOptions.SNAPSHOTS_SUBSCRIPTION);

        MarketJob.Sources sources =
                new MarketJob.Sources(
                        new MarketJob.Input<>(
                                SourceFactory.of(
                                        KafkaSources.raw(
                                                kafka,
                                                config.get(MarketOptions.TRADES_TOPIC),
                                                config.get(CommonOptions.KAFKA_GROUP_ID),
                                                config.get(CommonOptions.SOURCE_BOUNDED)),
                                        TypeInformation.of(RawRecord.class)),
                                settings.tradeParser::parse,
                                MarketNames.DLQ_TRADES),
                        null,
                        new MarketJob.Input<>(
                                PubSubSources.raw(pubsub, subscription, config),
                                settings.snapshotParser::parse,
                                MarketNames.DLQ_SNAPSHOTS));

        List<NamedSink<MarketBar>> bars = new ArrayList<>();
        List<NamedSink<MarketSnapshot>> snapshots = new ArrayList<>();
        List<NamedSink<MarketConditions>> conditions = new ArrayList<>();
        bars.add(
                NamedSink.of(
                        MarketNames.SINK_MARKET_DATA,
                        MarketJdbcSinks.marketData(timescale, jdbc, ROW_SOURCE)));
        if (config.get(CommonOptions.BIGQUERY_ENABLED)) {
            StorageWriteEndpoint bigquery = StorageWriteEndpoint.from(services);
            bars.add(
                    BigQuerySinks.storageWrite(
                            bigquery,
                            new MarketBarRows(),
                            MarketNames.SINK_INDICATORS_BIGQUERY,
                            MarketNames.rejectedRows(MarketNames.SINK_INDICATORS_BIGQUERY),
                            MarketNames.DLQ_BIGQUERY_INDICATORS,
                            kafka,
                            config.get(MarketOptions.DLQ_TOPIC),
                            timescale,
                            config));
            snapshots.add(
                    BigQuerySinks.storageWrite(
                            bigquery,
                            new MarketSnapshotRows(),
                            MarketNames.SINK_SNAPSHOTS_BIGQUERY,
                            MarketNames.rejectedRows(MarketNames.SINK_SNAPSHOTS_BIGQUERY),
                            MarketNames.DLQ_BIGQUERY_MARKET_DATA,
                            kafka,
                            config.get(MarketOptions.DLQ_TOPIC),
                            timescale,
                            config));
        }
        if (config.get(CommonOptions.FIRESTORE_ENABLED)) {
            conditions.add(
                    NamedSink.of(
                            MarketNames.SINK_CONDITIONS,
                            new FirestoreSink<>(
                                    com.athena.common.connectors.FirestoreEndpoint.from(services),
                                    new MarketConditionsDocuments())));
        }
        if (!config.get(MarketOptions.CONDITIONS_TOPIC).isEmpty()) {
            conditions.add(
                    NamedSink.of(
                            MarketNames.SINK_CONDITIONS_KAFKA,
                            MarketKafkaSinks.conditions(
                                    kafka, config.get(MarketOptions.CONDITIONS_TOPIC))));
        }
        MarketJob.Sinks sinks =
                new MarketJob.Sinks(
                        bars,
                        snapshots,
                        conditions,
                        List.of(
                                NamedSink.of(
                                        MarketNames.SINK_DEAD_LETTERS_KAFKA,
                                        KafkaSinks.deadLetters(
                                                kafka, config.get(MarketOptions.DLQ_TOPIC))),
                                NamedSink.of(
                                        MarketNames.SINK_DEAD_LETTERS_JDBC,
                                        JdbcSinks.deadLetters(timescale, jdbc))));
        return new MarketJob(sources, sinks, settings);
    }
}
