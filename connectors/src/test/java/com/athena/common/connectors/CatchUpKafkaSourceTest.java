package com.athena.common.connectors;

import com.athena.common.flink.CatchUp;

import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source's deserializer binds each partition's {@link CatchUp} while a record passes the
 * watermark generator and notes what it handed on; a partition is caught up only against a fresh
 * end offset.
 */
class CatchUpKafkaSourceTest {

    @Test
    void theDeserializerBindsThePartitionsCatchUpAndNotesTheOffset() throws Exception {
        CatchUpKafkaSource.Recording<RawRecord> recording =
                new CatchUpKafkaSource.Recording<>(new RawRecordDeserializer());
        recording.open(null);
        List<CatchUp> seenByGenerator = new ArrayList<>();
        Collector<RawRecord> out =
                new Collector<>() {
                    @Override
                    public void collect(RawRecord record) {
                        // Where the source's output calls the split's watermark generator.
                        seenByGenerator.add(CatchUp.emitting());
                    }

                    @Override
                    public void close() {}
                };

        recording.deserialize(record("t", 0, 41), out);
        recording.deserialize(record("t", 1, 7), out);
        recording.deserialize(record("t", 0, 42), out);

        CatchUp p0 = recording.catchUps().of(new TopicPartition("t", 0));
        CatchUp p1 = recording.catchUps().of(new TopicPartition("t", 1));
        assertThat(seenByGenerator).containsExactly(p0, p1, p0);
        assertThat(p0.emittedNext()).isEqualTo(43);
        assertThat(p1.emittedNext()).isEqualTo(8);
        assertThat(CatchUp.emitting()).as("bound only while a record passes").isNull();
    }

    @Test
    void caughtUpNeedsAFreshConfirmationOfTheEndOffset() {
        AtomicLong clock = new AtomicLong(1_000_000);
        CatchUp partition = new CatchUp(clock::get);
        partition.emitted(41);
        assertThat(partition.caughtUp()).as("no confirmation yet").isFalse();

        partition.confirmEnd(43);
        assertThat(partition.caughtUp()).as("offset 42 not handed on yet").isFalse();
        partition.emitted(42);
        assertThat(partition.caughtUp()).isTrue();

        clock.addAndGet(CatchUp.MAX_CONFIRMATION_AGE_MILLIS + 1);
        assertThat(partition.caughtUp()).as("the broker stopped answering").isFalse();
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset) {
        return new ConsumerRecord<>(
                topic, partition, offset, null, "{}".getBytes(StandardCharsets.UTF_8));
    }
}
