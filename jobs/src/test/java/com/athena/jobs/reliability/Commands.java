package com.athena.jobs.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        ProcessBuilder pb =
                new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
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
}
