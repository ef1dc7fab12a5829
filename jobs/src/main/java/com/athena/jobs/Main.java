package com.athena.jobs;

import com.athena.jobs.demo.DemoMain;
import com.athena.jobs.ingest.TradeIngestMain;
import com.athena.jobs.market.MarketMain;
import com.athena.jobs.replay.ReplayMain;
import com.athena.jobs.setup.SetupMain;
import com.athena.jobs.tools.ProduceTradesMain;
import com.athena.jobs.treasury.TreasuryMain;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job jar's entry point: {@code flink run athena-jobs.jar <job> [--key value ...]} picks the
 * job by its first argument; each job's own main class can also be named with {@code -c}.
 */
public final class Main {

    /** A job's main method. */
    @FunctionalInterface
    interface JobMain {
        void run(String[] args) throws Exception;
    }

    static final Map<String, JobMain> JOBS = new LinkedHashMap<>();

    static {
        JOBS.put("market", MarketMain::main);
        JOBS.put("trade-ingest", TradeIngestMain::main);
        JOBS.put("treasury", TreasuryMain::main);
        JOBS.put("setup", SetupMain::main);
        JOBS.put("produce-trades", ProduceTradesMain::main);
        JOBS.put("replay", ReplayMain::main);
        JOBS.put("demo", DemoMain::main);
    }

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !JOBS.containsKey(args[0])) {
            throw new IllegalArgumentException(
                    (args.length == 0 ? "No job named" : "Unknown job '" + args[0] + "'")
                            + ": the first argument is one of "
                            + JOBS.keySet());
        }
        JOBS.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
    }
}
