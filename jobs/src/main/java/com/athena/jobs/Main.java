package com.athena.jobs;

import com.athena.jobs.activity.ActivityMain;
import com.athena.jobs.market.MarketMain;
import com.athena.jobs.treasury.TreasuryMain;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job jar's entry point: {@code flink run athena-jobs-<version>-job.jar <job> [--key value
 * ...]} picks the job by its first argument; each job's own main class can also be named with
 * {@code -c}.
 */
public final class Main {

    /** A command's main method. */
    @FunctionalInterface
    public interface Command {
        void run(String[] args) throws Exception;
    }

    static final Map<String, Command> JOBS = new LinkedHashMap<>();

    static {
        JOBS.put("market", MarketMain::main);
        JOBS.put("treasury", TreasuryMain::main);
        JOBS.put("activity", ActivityMain::main);
    }

    private Main() {}

    public static void main(String[] args) throws Exception {
        dispatch(JOBS, args);
    }

    /** Runs the command named by the first argument with the remaining arguments. */
    public static void dispatch(Map<String, Command> commands, String[] args) throws Exception {
        if (args.length == 0 || !commands.containsKey(args[0])) {
            throw new IllegalArgumentException(
                    (args.length == 0 ? "No command named" : "Unknown command '" + args[0] + "'")
                            + ": the first argument is one of "
                            + commands.keySet());
        }
        commands.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
    }
}
