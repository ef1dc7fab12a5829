package com.athena.testing;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects what reaches it into a list shared by name within the test JVM (the MiniCluster runs
 * there), stateless so that it adds nothing to the fixture savepoint.
 */
public final class CollectSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private static final Map<String, List<Object>> RESULTS = new ConcurrentHashMap<>();

    private final String name;

    public CollectSink(String name) {
        this.name = name;
        RESULTS.put(name, new CopyOnWriteArrayList<>());
    }

    @SuppressWarnings("unchecked")
    public static <T> List<T> results(String name) {
        return (List<T>) RESULTS.getOrDefault(name, List.of());
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        List<Object> out = RESULTS.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                out.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
