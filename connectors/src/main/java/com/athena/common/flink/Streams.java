package com.athena.common.flink;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.List;

/**
 * Graph-building helpers the jobs share: object reuse, unions of several inputs, named sinks
 * attached.
 */
public final class Streams {
    private Streams() {}

    /**
     * Lets chained operators hand records on without a copy (the market job's trades fan out to
     * five window operators: five POJO copies per trade otherwise). Safe for these jobs: their
     * functions never change a record they received, and every record they emit is a new object
     * that nothing changes afterwards (state objects are read into new output records).
     */
    public static void reuseObjects(StreamExecutionEnvironment env) {
        env.getConfig().enableObjectReuse();
    }

    /** The union of one or more streams of the same type. */
    @SuppressWarnings("unchecked")
    public static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> first = streams.get(0);
        return streams.size() == 1
                ? first
                : first.union(streams.subList(1, streams.size()).toArray(new DataStream[0]));
    }

    /** Attaches each sink under its uid (also its name) and, where set, its own parallelism. */
    public static <T> void attach(DataStream<T> stream, List<NamedSink<T>> sinks) {
        for (NamedSink<T> sink : sinks) {
            DataStreamSink<T> added = stream.sinkTo(sink.sink()).uid(sink.uid()).name(sink.uid());
            if (sink.parallelism() > 0) {
                added.setParallelism(sink.parallelism());
            }
        }
    }
}
