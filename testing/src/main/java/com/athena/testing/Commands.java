package com.athena.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/** Runs the repository's scripts ({@code bin/...}) from tests, bounded in time. */
public final class Commands {
    /** The repository root: the tests run in a module directory. */
    public static final Path ROOT = Paths.get("").toAbsolutePath().getParent();

    /** A finished command: its exit code (-1 on timeout) and its output. */
    public record Result(int exit, String output) {}

    private Commands() {}

    /** Runs the command in the repository root with extra environment variables. */
    public static Result run(Duration timeout, Map<String, String> env, String... cmd)
            throws IOException, InterruptedException {
        return runIn(ROOT, timeout, env, cmd);
    }

    /** Runs the command in {@code directory} with extra environment variables. */
    public static Result runIn(
            Path directory, Duration timeout, Map<String, String> env, String... cmd)
            throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder(cmd).directory(directory.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("athena-cmd", ".log");
        try {
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(
                        -1, "timed out: " + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Copies the shaded jar this build made ({@code ATHENA_JOB_JAR} names another), so that a
     * concurrent build cannot swap it mid-test; waits while a build is rewriting it.
     */
    public static void copyJobJar(Path to) throws Exception {
        Path from =
                Paths.get(
                        System.getenv()
                                .getOrDefault(
                                        "ATHENA_JOB_JAR",
                                        ROOT.resolve(
                                                        "jobs/target/athena-jobs-0.1.0-SNAPSHOT-job.jar")
                                                .toString()));
        Waits.until(
                "a complete shaded job jar at " + from + " (mvn package)",
                Duration.ofSeconds(120),
                () -> copiedWhole(from, to));
    }

    /** Copies the jar and checks the copy is a whole shaded jar, not one a build is writing. */
    private static boolean copiedWhole(Path from, Path to) {
        try {
            if (!Files.isRegularFile(from) || Files.size(from) < 10_000_000L) {
                return false;
            }
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            try (JarFile jar = new JarFile(to.toFile())) {
                return jar.getEntry("com/athena/jobs/Main.class") != null
                        && jar.getEntry("org/apache/flink/connector/kafka/source/KafkaSource.class")
                                != null;
            }
        } catch (IOException e) {
            return false;
        }
    }
}
