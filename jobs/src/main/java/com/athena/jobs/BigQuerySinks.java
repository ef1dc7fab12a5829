package com.athena.jobs;

import com.athena.common.bigquery.BigQueryRowMapper;
import com.athena.common.bigquery.StorageWriteEndpoint;
import com.athena.common.bigquery.StorageWriteSink;
import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSinks;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.NamedSink;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;

import java.util.List;

/**
 * The BigQuery sinks the jobs build the same way: a table's Storage Write sink (exactly once, or
 * idempotent upserts for a table with a primary key), whose rows rejected for their content go to
 * the job's dead-letter outputs (Kafka and TimescaleDB) once their checkpoint's commit is done.
 */
public final class BigQuerySinks {
    private BigQuerySinks() {}

    /**
     * @param uid the sink's uid
     * @param rejectedUid the uid of the step before the commit that hands rejected rows on; the
     *     sink writing them to Kafka and TimescaleDB takes it with {@code -sink} appended
     * @param deadLetterSource the {@code source} of the rejected rows' dead letters
     * @param dlqTopic the job's Kafka dead-letter topic
     */
    public static <T> NamedSink<T> storageWrite(
            StorageWriteEndpoint endpoint,
            BigQueryRowMapper<T> mapper,
            String uid,
            String rejectedUid,
            String deadLetterSource,
            KafkaEndpoint kafka,
            String dlqTopic,
            JdbcEndpoint timescale,
            Configuration config) {
        return storageWrite(
                endpoint,
                mapper,
                null,
                uid,
                rejectedUid,
                deadLetterSource,
                kafka,
                dlqTopic,
                timescale,
                config);
    }

    /**
     * A table's Storage Write sink in upsert mode (change data capture by the table's primary key,
     * at least once and idempotent) when {@code upsert} is given, else as {@link #storageWrite(
     * StorageWriteEndpoint, BigQueryRowMapper, String, String, String, KafkaEndpoint, String,
     * JdbcEndpoint, Configuration)}.
     */
    public static <T> NamedSink<T> storageWrite(
            StorageWriteEndpoint endpoint,
            BigQueryRowMapper<T> mapper,
            StorageWriteSink.ChangeSequence<T> upsert,
            String uid,
            String rejectedUid,
            String deadLetterSource,
            KafkaEndpoint kafka,
            String dlqTopic,
            JdbcEndpoint timescale,
            Configuration config) {
        List<Sink<DeadLetter>> deadLetters =
                List.of(
                        KafkaSinks.deadLetters(kafka, dlqTopic),
                        JdbcSinks.deadLetters(timescale, CommonOptions.jdbcExecution(config)));
        StorageWriteSink.Builder<T> builder =
                StorageWriteSink.builder(endpoint, mapper)
                        .deadLetters(deadLetterSource, rejectedUid, deadLetters);
        if (upsert != null) {
            builder.upsert(upsert);
        }
        return NamedSink.of(uid, builder.build());
    }
}
