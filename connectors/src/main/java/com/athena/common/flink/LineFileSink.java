package com.athena.common.flink;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.util.function.SerializableFunction;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Writes one line per record to a single local file, under a header: the output of bounded replays.
 * Run it with parallelism 1; a restarted writer starts the file again, which is right for a bounded
 * job that restarts from its beginning.
 */
public final class LineFileSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String header;
    private final SerializableFunction<T, String> formatter;

    public LineFileSink(Path path, String header, SerializableFunction<T, String> formatter) {
        this.path = path.toAbsolutePath().toString();
        this.header = header;
        this.formatter = formatter;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) throws IOException {
        if (context.getNumberOfParallelSubtasks() != 1) {
            throw new IllegalStateException(
                    "LineFileSink writes one file: run it with parallelism 1");
        }
        BufferedWriter writer = Files.newBufferedWriter(Paths.get(path), StandardCharsets.UTF_8);
        if (header != null) {
            writer.write(header);
            writer.newLine();
        }
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                writer.write(formatter.apply(element));
                writer.newLine();
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                writer.flush();
            }

            @Override
            public void close() throws IOException {
                writer.close();
            }
        };
    }
}
