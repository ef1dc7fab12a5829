package com.athena.tools.setup;

import com.athena.common.bigquery.BigQueryDdl;
import com.athena.common.bigquery.BigQueryEndpoint;
import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.sql.SchemaMigrator;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetInfo;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Creates what the jobs expect to exist, idempotently: the Kafka topics, the Pub/Sub topics and
 * subscriptions, the schema of {@code sql/timescaledb} on TimescaleDB and PostgreSQL, and the
 * BigQuery dataset with the tables and views of {@code sql/bigquery} when the services env names a
 * project ({@code BIGQUERY_PROJECT_ID}, and {@code BIGQUERY_DATASET}; not with {@code
 * --sinks.bigquery.enabled false}).
 */
public final class SetupMain {
    private static final Logger LOG = LoggerFactory.getLogger(SetupMain.class);

    /** The Kafka topics of the jobs. */
    public static final List<String> KAFKA_TOPICS =
            List.of(
                    "market.trades",
                    "market.dlq",
                    "treasury.events",
                    "treasury.dlq",
                    "agent.transitions",
                    "market.conditions",
                    "activity.dlq");

    /** Pub/Sub subscriptions and their topics. */
    public static final List<List<String>> PUBSUB_SUBSCRIPTIONS =
            List.of(
                    List.of("market-snapshots-sub", "market-snapshots"),
                    // The treasury reads the snapshots too: its own subscription, so that the
                    // two jobs do not split the messages between them.
                    List.of("treasury-market-snapshots-sub", "market-snapshots"),
                    List.of("agent-costs-sub", "agent-costs"),
                    List.of("agent-activity-sub", "agent-activity"));

    /**
     * Partitions of a new topic: at least 3, so that the jobs' sources spread over subtasks and the
     * per-partition watermarks are exercised as in production. Existing topics keep theirs.
     */
    public static final int PARTITIONS = 3;

    /** The location of the BigQuery dataset setup creates (services env); unset: US. */
    public static final String LOCATION_KEY = "BIGQUERY_LOCATION";

    private SetupMain() {}

    public static void main(String[] args) throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        // BigQuery is only set up where one is named: the local services have none.
        if (CommonOptions.fromArgs(args).get(CommonOptions.BIGQUERY_ENABLED)
                && services.get(BigQueryEndpoint.PROJECT_ID_KEY).isPresent()) {
            createBigQuery(
                    BigQueryEndpoint.from(services),
                    locateBigQueryDirectory(),
                    services.get(LOCATION_KEY).orElse(null));
        } else {
            LOG.info(
                    "BigQuery not set up: {} is not set (or --sinks.bigquery.enabled false)",
                    BigQueryEndpoint.PROJECT_ID_KEY);
        }
        createKafkaTopics(KafkaEndpoint.from(services));
        int ackDeadline =
                PubSubEndpoint.ackDeadlineSeconds(
                        flinkConfiguration(),
                        CommonOptions.DEFAULT_CHECKPOINT_INTERVAL.defaultValue());
        LOG.info("Pub/Sub ack deadline of new subscriptions: {} s", ackDeadline);
        try (PubSubEndpoint.Clients clients = PubSubEndpoint.from(services).clients()) {
            for (List<String> pair : PUBSUB_SUBSCRIPTIONS) {
                clients.ensureSubscription(pair.get(0), pair.get(1), ackDeadline);
            }
        }
        for (JdbcEndpoint endpoint :
                List.of(JdbcEndpoint.timescale(services), JdbcEndpoint.postgres(services))) {
            try (Connection c = endpoint.open()) {
                int statements = SchemaMigrator.apply(c);
                LOG.info("Schema applied to {}: {} statements", endpoint, statements);
            }
        }
    }

    /**
     * Creates the dataset and every table and view of {@code directory} ({@code sql/bigquery})
     * through Google's client ({@code datasets.insert}, {@code tables.insert}): tables first, then
     * views in file order after the views they read. What exists already (409) is left as it is: a
     * changed file needs a migration of its own, not a silent replace.
     *
     * @return what was created (dataset, tables and views), in order
     */
    public static List<String> createBigQuery(BigQueryEndpoint endpoint, Path directory)
            throws IOException {
        return createBigQuery(endpoint, directory, null);
    }

    /**
     * As above, the dataset in {@code location} (e.g. {@code EU}, {@code europe-west1}; null:
     * BigQuery's default, US). A dataset's location cannot change once it exists.
     */
    public static List<String> createBigQuery(
            BigQueryEndpoint endpoint, Path directory, String location) throws IOException {
        BigQuery bigquery = endpoint.open();
        List<String> created = new ArrayList<>();
        DatasetInfo.Builder datasetBuilder =
                DatasetInfo.newBuilder(endpoint.projectId(), endpoint.datasetId());
        if (location != null && !location.isBlank()) {
            datasetBuilder.setLocation(location);
        }
        DatasetInfo dataset = datasetBuilder.build();
        if (createUnlessExists(() -> bigquery.create(dataset), "dataset " + endpoint)) {
            created.add(endpoint.datasetId());
        }
        for (BigQueryDdl ddl : readBigQueryDirectory(directory)) {
            String what = ddl + " in " + endpoint;
            if (createUnlessExists(
                    () ->
                            bigquery.create(
                                    ddl.tableInfo(endpoint.projectId(), endpoint.datasetId())),
                    what)) {
                created.add(ddl.name());
            }
        }
        return created;
    }

    /** The files of {@code sql/bigquery}: tables, then views in the order they read each other. */
    public static List<BigQueryDdl> readBigQueryDirectory(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        List<BigQueryDdl> tables = new ArrayList<>();
        List<BigQueryDdl> views = new ArrayList<>();
        for (Path file : files) {
            BigQueryDdl ddl = BigQueryDdl.parse(Files.readString(file, StandardCharsets.UTF_8));
            (ddl.isView() ? views : tables).add(ddl);
        }
        // A view over another view must come after it.
        List<BigQueryDdl> ordered = new ArrayList<>(tables);
        while (!views.isEmpty()) {
            BigQueryDdl next = views.get(0);
            for (BigQueryDdl v : views) {
                boolean readsPending =
                        views.stream()
                                .anyMatch(
                                        o ->
                                                o != v
                                                        && v.viewQuery()
                                                                .contains(
                                                                        BigQueryDdl.FILE_DATASET
                                                                                + "."
                                                                                + o.name()));
                if (!readsPending) {
                    next = v;
                    break;
                }
            }
            ordered.add(next);
            views.remove(next);
        }
        return ordered;
    }

    /** {@code sql/bigquery} from the working directory or one of its parents. */
    static Path locateBigQueryDirectory() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sql/bigquery");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No sql/bigquery above " + Paths.get("").toAbsolutePath());
    }

    private static boolean createUnlessExists(Runnable create, String what) {
        try {
            create.run();
            LOG.info("Created BigQuery {}", what);
            return true;
        } catch (BigQueryException e) {
            if (e.getCode() == 409) {
                LOG.info("BigQuery {} exists already", what);
                return false;
            }
            throw e;
        }
    }

    /**
     * The cluster's configuration, whose checkpoint settings the ack deadline follows: {@code
     * $FLINK_CONF_DIR}, else the repository's {@code flink-conf} (the shipped one) when run from
     * its root, else Flink's defaults.
     */
    static Configuration flinkConfiguration() {
        String dir = System.getenv("FLINK_CONF_DIR");
        if (dir == null && Files.isDirectory(Paths.get("flink-conf"))) {
            dir = "flink-conf";
        }
        return dir == null ? new Configuration() : GlobalConfiguration.loadConfiguration(dir);
    }

    static void createKafkaTopics(KafkaEndpoint kafka) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            for (String topic : KAFKA_TOPICS) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                    LOG.info("Created Kafka topic {}", topic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }
}
