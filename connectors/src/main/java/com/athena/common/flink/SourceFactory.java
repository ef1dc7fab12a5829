package com.athena.common.flink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * Adds a source to a job graph. Jobs take their sources as factories so that production wires Kafka
 * and Pub/Sub (a legacy SourceFunction) while tests and replays inject bounded sources; the job
 * itself sets every uid and name.
 */
@FunctionalInterface
public interface SourceFactory<T> {

    /** Adds the source under {@code name}; the caller sets the uid. */
    DataStreamSource<T> create(StreamExecutionEnvironment env, String name);

    /** A FLIP-27 source; event time is assigned downstream, after parsing. */
    static <T> SourceFactory<T> of(Source<T, ?, ?> source, TypeInformation<T> type) {
        return (env, name) -> env.fromSource(source, WatermarkStrategy.noWatermarks(), name, type);
    }

    /** A legacy source function, such as the Pub/Sub connector's. */
    @SuppressWarnings("deprecation")
    static <T> SourceFactory<T> legacy(SourceFunction<T> source, TypeInformation<T> type) {
        return (env, name) -> env.addSource(source, name, type);
    }
}
