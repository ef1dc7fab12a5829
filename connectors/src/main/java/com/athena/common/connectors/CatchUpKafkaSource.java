package com.athena.common.connectors;

import com.athena.common.flink.CatchUp;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Flink's {@link KafkaSource} that also tells each partition's watermark generator whether the
 * partition is caught up (see {@link CatchUp}), so that a quiet market's watermark may follow the
 * clock while a stalled or backlogged partition's may not.
 *
 * <p>Everything else is the official source: enumerator, split reader, offsets, checkpoints and
 * their serializers. Two additions per reader: the deserializer notes the offset of every record it
 * hands on (and binds the partition's {@link CatchUp} while the record passes the generator), and a
 * probe thread with a consumer of its own asks the broker for the end offsets of the partitions
 * read, once a second. Asking the broker, rather than trusting the reader consumer's last known
 * lag, is what makes an unreachable broker "not caught up": its lag would stay at zero.
 */
public final class CatchUpKafkaSource<T>
        implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    /** How often the probe asks for end offsets. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    /** How long one ask may take; an unreachable broker fails it. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final KafkaSource<T> kafka;
    private final Recording<T> deserializer;
    private final Properties probeProperties;

    private CatchUpKafkaSource(
            KafkaSource<T> kafka, Recording<T> deserializer, Properties probeProperties) {
        this.kafka = kafka;
        this.deserializer = deserializer;
        this.probeProperties = probeProperties;
    }

    /**
     * The source {@code builder} configures (all but the deserializer), reading with {@code
     * deserializer}; {@code clientProperties} (with bootstrap servers) are those of the probe's
     * consumer.
     */
    public static <T> CatchUpKafkaSource<T> of(
            KafkaSourceBuilder<T> builder,
            KafkaRecordDeserializationSchema<T> deserializer,
            Properties clientProperties) {
        Recording<T> recording = new Recording<>(deserializer);
        Properties probe = new Properties();
        probe.putAll(clientProperties);
        probe.setProperty(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        probe.setProperty(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        probe.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new CatchUpKafkaSource<>(
                builder.setDeserializer(recording).build(), recording, probe);
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) {
        return kafka.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state)
            throws IOException {
        return kafka.restoreEnumerator(context, state);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return kafka.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return kafka.getProducedType();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context)
            throws Exception {
        // The Kafka source opens the deserializer here, which gives it this reader's registry.
        SourceReader<T, KafkaPartitionSplit> reader = kafka.createReader(context);
        Properties probe = new Properties();
        probe.putAll(probeProperties);
        probe.setProperty(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "catch-up-probe-"
                        + context.getIndexOfSubtask()
                        + "-"
                        + UUID.randomUUID().toString().substring(0, 8));
        return new Reader<>(reader, deserializer.catchUps(), probe, context.getIndexOfSubtask());
    }

    /** The partitions' catch-up states of one reader. */
    static final class CatchUps {
        final Map<TopicPartition, CatchUp> byPartition = new ConcurrentHashMap<>();

        CatchUp of(TopicPartition partition) {
            return byPartition.computeIfAbsent(partition, p -> new CatchUp());
        }
    }

    /** The deserializer that notes what it hands on. */
    static final class Recording<T> implements KafkaRecordDeserializationSchema<T> {
        private static final long serialVersionUID = 1L;

        private final KafkaRecordDeserializationSchema<T> inner;
        private transient CatchUps catchUps;
        // The last record's partition and state: records come in runs of one partition.
        private transient String lastTopic;
        private transient int lastPartition = -1;
        private transient CatchUp last;

        Recording(KafkaRecordDeserializationSchema<T> inner) {
            this.inner = inner;
        }

        @Override
        public void open(DeserializationSchema.InitializationContext context) throws Exception {
            catchUps = new CatchUps();
            inner.open(context);
        }

        CatchUps catchUps() {
            if (catchUps == null) {
                catchUps = new CatchUps();
            }
            return catchUps;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out)
                throws IOException {
            if (last == null
                    || record.partition() != lastPartition
                    || !record.topic().equals(lastTopic)) {
                last = catchUps().of(new TopicPartition(record.topic(), record.partition()));
                lastTopic = record.topic();
                lastPartition = record.partition();
            }
            CatchUp catchUp = last;
            CatchUp.whileEmitting(catchUp, () -> inner.deserialize(record, out));
            catchUp.emitted(record.offset());
        }

        @Override
        public TypeInformation<T> getProducedType() {
            return inner.getProducedType();
        }
    }

    /** The Kafka reader plus the probe that confirms end offsets. */
    static final class Reader<T> implements SourceReader<T, KafkaPartitionSplit> {
        private static final Logger LOG = LoggerFactory.getLogger(CatchUpKafkaSource.class);

        private final SourceReader<T, KafkaPartitionSplit> kafka;
        private final CatchUps catchUps;
        private final Properties probeProperties;
        private final int subtask;
        private ScheduledExecutorService probe;
        private KafkaConsumer<byte[], byte[]> consumer;
        private boolean failing;

        Reader(
                SourceReader<T, KafkaPartitionSplit> kafka,
                CatchUps catchUps,
                Properties probeProperties,
                int subtask) {
            this.kafka = kafka;
            this.catchUps = catchUps;
            this.probeProperties = probeProperties;
            this.subtask = subtask;
        }

        @Override
        public void start() {
            kafka.start();
            probe =
                    Executors.newSingleThreadScheduledExecutor(
                            runnable -> {
                                Thread thread =
                                        new Thread(runnable, "kafka-catch-up-probe-" + subtask);
                                thread.setDaemon(true);
                                return thread;
                            });
            probe.scheduleWithFixedDelay(
                    this::probe,
                    PROBE_INTERVAL.toMillis(),
                    PROBE_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        /** Runs on the probe thread, which alone uses the consumer. */
        private void probe() {
            Set<TopicPartition> partitions = Set.copyOf(catchUps.byPartition.keySet());
            if (partitions.isEmpty()) {
                return;
            }
            try {
                if (consumer == null) {
                    consumer = new KafkaConsumer<>(probeProperties);
                }
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, PROBE_TIMEOUT);
                ends.forEach((partition, end) -> catchUps.of(partition).confirmEnd(end));
                if (failing) {
                    LOG.info("Subtask {}: end offsets known again for {}", subtask, partitions);
                    failing = false;
                }
            } catch (RuntimeException e) {
                // No confirmation: the partitions' generators stop advancing on time.
                if (!failing) {
                    LOG.warn(
                            "Subtask {}: end offsets of {} unknown, no quiet advance until"
                                    + " they are: {}",
                            subtask,
                            partitions,
                            e.toString());
                    failing = true;
                }
            }
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            return kafka.pollNext(output);
        }

        @Override
        public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
            return kafka.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return kafka.isAvailable();
        }

        @Override
        public void addSplits(List<KafkaPartitionSplit> splits) {
            kafka.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            kafka.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent sourceEvent) {
            kafka.handleSourceEvents(sourceEvent);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            kafka.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            kafka.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(
                Collection<String> splitsToPause, Collection<String> splitsToResume) {
            kafka.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void close() throws Exception {
            try {
                if (probe != null) {
                    probe.shutdownNow();
                    if (!probe.awaitTermination(10, TimeUnit.SECONDS)) {
                        LOG.warn("Subtask {}: the catch-up probe did not stop", subtask);
                    }
                }
                if (consumer != null) {
                    consumer.close(Duration.ofSeconds(5));
                }
            } finally {
                kafka.close();
            }
        }
    }
}
