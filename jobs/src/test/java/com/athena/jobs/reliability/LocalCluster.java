package com.athena.jobs.reliability;

import com.athena.testing.Commands;
import com.athena.testing.FlinkRestClient;
import com.athena.testing.Waits;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The repository's standalone cluster ({@code bin/cluster}: one JobManager, two TaskManagers) and
 * its command line ({@code bin/flink}), driven from tests. Its REST API: {@link FlinkRestClient}.
 * (Generic, but it asserts with AssertJ, which the testing module has in test scope only.)
 */
final class LocalCluster {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

    private LocalCluster() {}

    /**
     * {@code bin/cluster up}. While another checkout's cluster holds the ports, waits up to four
     * minutes for it to go and never stops it.
     */
    static void up() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (true) {
            Commands.Result up = Commands.run(Duration.ofMinutes(4), Map.of(), "bin/cluster", "up");
            if (up.exit() == 0) {
                return;
            }
            // Another checkout's cluster holds the ports: wait for it to go, never stop it.
            if (!up.output().contains("is taken by another process")
                    || System.nanoTime() > deadline) {
                fail("bin/cluster up:\n" + up.output());
            }
            LOG.warn("The cluster ports are taken by another process; retrying in 10 s");
            TimeUnit.SECONDS.sleep(10);
        }
    }

    /** {@code bin/cluster down}, which must succeed. */
    static void down() throws Exception {
        Commands.Result down = Commands.run(Duration.ofMinutes(2), Map.of(), "bin/cluster", "down");
        assertThat(down.exit()).as("bin/cluster down:\n%s", down.output()).isZero();
    }

    /**
     * Submits a job of the jar detached ({@code bin/flink run -d -p}) with the environment and
     * program arguments; returns its job id.
     */
    static String submit(
            Map<String, String> env, Path jar, int parallelism, String job, List<String> args)
            throws Exception {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                "bin/flink",
                                "run",
                                "-d",
                                "-p",
                                Integer.toString(parallelism),
                                jar.toString(),
                                job));
        cmd.addAll(args);
        Commands.Result r = Commands.run(Duration.ofMinutes(3), env, cmd.toArray(new String[0]));
        assertThat(r.exit()).as("%s:\n%s", cmd, r.output()).isZero();
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(r.output());
        assertThat(id.find()).as(r.output()).isTrue();
        return id.group(1);
    }

    /** {@code bin/flink cancel}, best effort: a job that is gone already is no failure. */
    static void cancel(Map<String, String> env, String job) throws Exception {
        Commands.run(Duration.ofMinutes(1), env, "bin/flink", "cancel", job);
    }

    /**
     * {@code kill -9} of the TaskManager's process (from its pid file, checked against its command
     * line); waits until it is gone and returns its pid.
     */
    static long killTaskManager(String taskManager) throws Exception {
        Path pidFile = Commands.ROOT.resolve("target/cluster/pids/" + taskManager + ".pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        String cmdline =
                Files.readString(Paths.get("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        assertThat(cmdline)
                .as("process %d of %s", pid, taskManager)
                .contains("TaskManagerRunner")
                .contains("taskmanager.resource-id=" + taskManager);
        Commands.Result kill =
                Commands.run(Duration.ofSeconds(10), Map.of(), "kill", "-9", Long.toString(pid));
        assertThat(kill.exit()).as("kill -9 %d:\n%s", pid, kill.output()).isZero();
        Waits.until(
                taskManager + " (pid " + pid + ") to die",
                Duration.ofSeconds(10),
                () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        return pid;
    }
}
