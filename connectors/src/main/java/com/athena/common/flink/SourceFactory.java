package com.athena.common.flink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * Adds a source to a job graph. Jobs take their sources as factories so that production wires Kafka
 * and Pub/Sub (a legacy SourceFunction) while tests and replays inject bounded sources; the job
 * itself names every uid.
 */
@FunctionalInterface
public interface SourceFactory<T> {

    /** Adds the source under {@code name}, without event time; the caller sets the uid. */
    DataStreamSource<T> create(StreamExecutionEnvironment env, String name);

    /**
     * Adds the source with uid and name {@code uid} and event time from {@code watermarks} ({@code
     * null}: none). This default assigns them right after the source, once per subtask, under the
     * uid {@code <uid>-watermarks}; a FLIP-27 source ({@link #of}) generates them in the source
     * itself, per split (Kafka partition), so that the watermark is the least over the partitions
     * and idleness applies per partition.
     */
    default SingleOutputStreamOperator<T> create(
            StreamExecutionEnvironment env, String uid, WatermarkStrategy<T> watermarks) {
        DataStreamSource<T> source = create(env, uid);
        source.uid(uid);
        if (watermarks == null) {
            return source;
        }
        String assigner = uid + "-watermarks";
        return source.assignTimestampsAndWatermarks(watermarks).uid(assigner).name(assigner);
    }

    /**
     * A FLIP-27 source; watermarks given to {@link #create(StreamExecutionEnvironment, String,
     * WatermarkStrategy)} are generated per split inside it.
     */
    static <T> SourceFactory<T> of(Source<T, ?, ?> source, TypeInformation<T> type) {
        return new SourceFactory<>() {
            @Override
            public DataStreamSource<T> create(StreamExecutionEnvironment env, String name) {
                return env.fromSource(source, WatermarkStrategy.noWatermarks(), name, type);
            }

            @Override
            public SingleOutputStreamOperator<T> create(
                    StreamExecutionEnvironment env, String uid, WatermarkStrategy<T> watermarks) {
                WatermarkStrategy<T> strategy =
                        watermarks == null ? WatermarkStrategy.noWatermarks() : watermarks;
                return env.fromSource(source, strategy, uid, type).uid(uid);
            }
        };
    }

    /** A legacy source function, such as the Pub/Sub connector's. */
    @SuppressWarnings("deprecation")
    static <T> SourceFactory<T> legacy(SourceFunction<T> source, TypeInformation<T> type) {
        return (env, name) -> env.addSource(source, name, type);
    }
}
