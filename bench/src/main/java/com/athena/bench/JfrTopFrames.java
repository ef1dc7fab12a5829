package com.athena.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Summarizes the {@code jdk.ExecutionSample} events of a JFR recording: the top frames by self
 * samples, the top packages, and the project's own frames anywhere on the stack.
 *
 * <p>Reads the recording with the JDK's parser rather than parsing {@code jfr print} text, which
 * gives the same events without a text format to depend on.
 *
 * <p>Usage: {@code JfrTopFrames RECORDING.jfr OUT.md TITLE}.
 */
public final class JfrTopFrames {
    private JfrTopFrames() {}

    public static void main(String[] args) throws IOException {
        Path recording = Paths.get(args[0]);
        Path out = Paths.get(args[1]);
        String title = args.length > 2 ? args[2] : "JFR";
        // Java-state samples and native-state samples (RocksDB's JNI calls show only in the
        // latter).
        Tally java = new Tally();
        Tally natives = new Tally();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                String type = event.getEventType().getName();
                if (type.equals("jdk.ExecutionSample")) {
                    java.add(event.getStackTrace());
                } else if (type.equals("jdk.NativeMethodSample")) {
                    natives.add(event.getStackTrace());
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(title).append("\n\n");
        sb.append(java.total)
                .append(" execution samples (`jdk.ExecutionSample`, threads running Java).\n\n");
        table(sb, "Top frames (self)", java.self, java.total, 15);
        table(sb, "Top packages (self)", java.packages, java.total, 12);
        table(sb, "Project frames (inclusive)", java.ours, java.total, 12);
        sb.append(natives.total)
                .append(
                        " native-method samples (`jdk.NativeMethodSample`, threads in JNI or"
                                + " blocked in native code; includes idle waits).\n\n");
        table(sb, "Top native frames (self)", natives.self, natives.total, 10);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, sb.toString());
    }

    /** Sample counts of one event type. */
    private static final class Tally {
        final Map<String, Integer> self = new HashMap<>();
        final Map<String, Integer> packages = new HashMap<>();
        final Map<String, Integer> ours = new HashMap<>();
        int total;

        void add(RecordedStackTrace stack) {
            if (stack == null || stack.getFrames().isEmpty()) {
                return;
            }
            total++;
            List<RecordedFrame> frames = stack.getFrames();
            RecordedFrame top = frames.get(0);
            String type = top.getMethod().getType().getName();
            self.merge(type + "." + top.getMethod().getName(), 1, Integer::sum);
            packages.merge(packageGroup(type), 1, Integer::sum);
            // Inclusive: each project method counted once per sample.
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (RecordedFrame f : frames) {
                String t = f.getMethod().getType().getName();
                if (t.startsWith("com.athena.")) {
                    String name = t + "." + f.getMethod().getName();
                    if (seen.add(name)) {
                        ours.merge(name, 1, Integer::sum);
                    }
                }
            }
        }
    }

    /** The first three package levels: enough to tell RocksDB from Jackson from Flink's network. */
    static String packageGroup(String type) {
        String[] parts = type.split("\\.");
        int levels = Math.min(parts.length - 1, type.startsWith("org.apache.flink.") ? 4 : 3);
        return levels <= 0 ? type : String.join(".", java.util.Arrays.copyOf(parts, levels));
    }

    private static void table(
            StringBuilder sb, String name, Map<String, Integer> counts, int total, int limit) {
        sb.append("| ").append(name).append(" | samples | share |\n|---|---|---|\n");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(limit)
                .forEach(
                        e ->
                                sb.append(
                                        String.format(
                                                Locale.ROOT,
                                                "| `%s` | %d | %.1f%% |%n",
                                                e.getKey(),
                                                e.getValue(),
                                                100.0 * e.getValue() / Math.max(1, total))));
        sb.append('\n');
    }
}
