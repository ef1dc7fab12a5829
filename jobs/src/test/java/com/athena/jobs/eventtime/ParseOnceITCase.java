package com.athena.jobs.eventtime;

import com.athena.common.connectors.RawRecord;
import com.athena.common.flink.EventTimeParser;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.flink.SourceFactory;
import com.athena.common.flink.Streams;
import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.RecordParser;
import com.athena.testing.CollectSink;
import com.athena.testing.ListSource;
import com.athena.testing.MiniClusters;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record is parsed once: the source's timestamp assigner parses it for its event time and the
 * parse step chained after the source reuses that parse, with object reuse off as shipped (the
 * chain copies every record between its operators). Through a FLIP-27 source (Kafka's path, the
 * assigner inside the source operator) and a legacy one (Pub/Sub's, an assigner operator after it).
 * A parse step that is not chained to its source parses again, and still gets every record right;
 * an unparseable record is a dead letter either way.
 */
class ParseOnceITCase {
    private static final int RECORDS = 2_000;
    private static final AtomicLong PARSES = new AtomicLong();

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.extension();

    @BeforeEach
    void reset() {
        PARSES.set(0);
    }

    /** The payload is the event time; "bad" is not a record. */
    private static final RecordParser<Long> PARSER =
            (payload, now) -> {
                PARSES.incrementAndGet();
                try {
                    return Long.parseLong(payload);
                } catch (NumberFormatException e) {
                    throw new InvalidRecordException("not a number: " + payload);
                }
            };

    private static List<String> payloads() {
        List<String> payloads = new ArrayList<>();
        LongStream.range(0, RECORDS).forEach(i -> payloads.add(Long.toString(1_000 + i)));
        payloads.set(RECORDS / 2, "bad");
        return payloads;
    }

    private static SourceFactory<RawRecord> flip27() {
        List<String> payloads = payloads();
        return SourceFactory.of(
                new DataGeneratorSource<>(
                        i -> new RawRecord(payloads.get((int) (long) i), "gen@" + i, 0L),
                        RECORDS,
                        RateLimiterStrategy.noOp(),
                        TypeInformation.of(RawRecord.class)),
                TypeInformation.of(RawRecord.class));
    }

    private static SourceFactory<RawRecord> legacy(String name) {
        return SourceFactory.legacy(
                new ListSource(name, payloads(), false), TypeInformation.of(RawRecord.class));
    }

    private List<Long> run(
            String name, SourceFactory<RawRecord> source, boolean chained, boolean reuse)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        if (reuse) {
            Streams.reuseObjects(env);
        }
        assertThat(env.getConfig().isObjectReuseEnabled()).isEqualTo(reuse);
        EventTimeParser<Long> parser =
                new EventTimeParser<>(PARSER, ts -> ts, Duration.ofMinutes(2));
        WatermarkStrategy<RawRecord> watermarks =
                WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(Duration.ofSeconds(1))
                        .withTimestampAssigner(parser.timestamps());
        DataStream<RawRecord> raw = source.create(env, name + "-source", watermarks);
        if (!chained) {
            raw = raw.rebalance();
        }
        var parsed =
                raw.process(new ParseOrDeadLetter<>(name, parser), Types.LONG)
                        .uid(name + "-parse")
                        .name(name + "-parse");
        parsed.sinkTo(new CollectSink<>(name)).uid(name + "-sink").name(name + "-sink");
        parsed.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS)
                .map(d -> d.reason, Types.STRING)
                .uid(name + "-reasons")
                .name(name + "-reasons")
                .sinkTo(new CollectSink<>(name + "-dead"))
                .uid(name + "-dead")
                .name(name + "-dead");
        env.execute(name);
        List<String> reasons = CollectSink.results(name + "-dead");
        assertThat(reasons).containsExactly("not a number: bad");
        List<Long> out = CollectSink.results(name);
        assertThat(out)
                .containsExactlyInAnyOrderElementsOf(
                        payloads().stream()
                                .filter(p -> !p.equals("bad"))
                                .map(Long::parseLong)
                                .toList());
        return out;
    }

    @ParameterizedTest(name = "object reuse {0}")
    @ValueSource(booleans = {true, false})
    void aFlip27SourceChainedToTheParseStepParsesEachRecordOnce(boolean reuse) throws Exception {
        run("parse-once-flip27-" + reuse, flip27(), true, reuse);
        assertThat(PARSES.get()).isEqualTo(RECORDS);
    }

    @ParameterizedTest(name = "object reuse {0}")
    @ValueSource(booleans = {true, false})
    void aLegacySourceChainedToTheParseStepParsesEachRecordOnce(boolean reuse) throws Exception {
        String name = "parse-once-legacy-" + reuse;
        run(name, legacy(name), true, reuse);
        assertThat(PARSES.get()).isEqualTo(RECORDS);
    }

    @Test
    void aParseStepNotChainedToItsSourceParsesAgain() throws Exception {
        run("parse-twice", flip27(), false, true);
        assertThat(PARSES.get()).isEqualTo(2L * RECORDS);
    }
}
