package com.athena.common.flink;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;

import java.util.List;

/** Graph-building helpers the jobs share: unions of several inputs, named sinks attached. */
public final class Streams {
    private Streams() {}

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
