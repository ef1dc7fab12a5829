package com.athena.bench;

import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.flink.SourceFactory;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryTransition;
import com.athena.jobs.treasury.AgentMetric;
import com.athena.jobs.treasury.TreasuryJob;
import com.athena.jobs.treasury.TreasuryNames;
import com.athena.jobs.treasury.TreasuryOptions;
import com.athena.jobs.treasury.TreasurySettings;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Events/s of the treasury job against a bare keyed job with the same two sources (cost events and
 * balance events, JSON, parsed by the job's parser) and the same key (the agent id), on a
 * MiniCluster with parallelism 2 and the heap backend with the shipped state settings; and the
 * treasury state's bytes per agent, from the largest full checkpoint of a run that has every agent
 * in state.
 *
 * <p>Nine events in ten are costs (a priced amount), one a balance report; event {@code j} of a
 * source goes to agent {@code j mod agents}, and event time advances so that a run spans several
 * days (day closes included). The same runs again with few busy agents (thousands of events, and of
 * remembered event ids, each): what an agent's history costs per event.
 *
 * <p>Usage: {@code TreasuryThroughputBench OUT.md [events] [repetitions] [agents] [busy agents]}.
 */
public final class TreasuryThroughputBench {
    static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    /** Event time between two events of the union: 1M events span about 3.5 days. */
    static final long STEP_MILLIS = 300;

    private TreasuryThroughputBench() {}

    /** One measured run. */
    record Run(boolean bare, long events, long millis) {
        double perSecond() {
            return events * 1000.0 / millis;
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "target/bench/treasury.md");
        long n = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int agents = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
        int busyAgents = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        Path checkpoints = out.toAbsolutePath().getParent().resolve("checkpoints");

        run(true, n / 4, agents, checkpoints, false);
        run(false, n / 4, agents, checkpoints, false);
        List<Run> runs = repetitions(n, agents, reps, checkpoints);
        List<Run> busyRuns = repetitions(n, busyAgents, reps, checkpoints);
        // Not timed: one run with a checkpoint every second, for the state's size. The largest
        // checkpoint counts: at the end of the bounded input the watermark jumps to the end of
        // time, every agent's idle retention expires and the last checkpoints hold no agent.
        JobThroughputBench.SubtaskCounter.LARGEST_CHECKPOINT.set(-1);
        run(false, n, agents, checkpoints, true);
        long fullSize = JobThroughputBench.SubtaskCounter.LARGEST_CHECKPOINT.get();

        double[] bare = rates(runs, true);
        double[] job = rates(runs, false);
        double[] ratio = JobThroughputBench.Report.paired(job, bare);
        double[] busyRatio =
                JobThroughputBench.Report.paired(rates(busyRuns, false), rates(busyRuns, true));
        StringBuilder sb = new StringBuilder("## 7. Treasury job throughput\n\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%,d JSON events per run (9 costs to 1 balance report, two sources as in"
                                + " production), %,d agents, event time %d ms apart (%.1f days"
                                + " per run), %d repetitions, MiniCluster parallelism %d, heap"
                                + " backend (%s). treasury = `TreasuryJob` with every output into"
                                + " a discarding sink (the bounded replay's sorted day-close"
                                + " output left out); bare = the same sources and parser → union"
                                + " → keyBy(agent_id) → one `ValueState<Long>` read and write per"
                                + " event → discarding sink. Time is the job's net runtime"
                                + " (deployment included, the same for both). Medians (min to"
                                + " max); the ratio is taken within a repetition.%n%n",
                        n,
                        agents,
                        STEP_MILLIS,
                        n * STEP_MILLIS / 86_400_000.0,
                        reps,
                        JobThroughputBench.PARALLELISM,
                        Shipped.get().describe()));
        sb.append("| figure | median (min to max) | goal |\n|---|---|---|\n");
        sb.append("| bare keyed job, events/s | ")
                .append(BenchSummary.stat(bare, "%,.0f"))
                .append(" | |\n");
        sb.append("| treasury job, events/s | ")
                .append(BenchSummary.stat(job, "%,.0f"))
                .append(" | |\n");
        sb.append("| treasury / bare | ")
                .append(BenchSummary.stat(ratio, "%.2fx"))
                .append(" | ≥ 0.5x |\n");
        sb.append(
                        String.format(
                                Locale.ROOT,
                                "| %,d busy agents (%,d events and ids each): bare, treasury,"
                                        + " treasury / bare | ",
                                busyAgents,
                                n / busyAgents))
                .append(BenchSummary.stat(rates(busyRuns, true), "%,.0f"))
                .append("; ")
                .append(BenchSummary.stat(rates(busyRuns, false), "%,.0f"))
                .append("; ")
                .append(BenchSummary.stat(busyRatio, "%.2fx"))
                .append(" | |\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| state per agent: the largest full checkpoint of a run with a"
                                + " checkpoint every second (heap backend; every agent in state; timers,"
                                + " buffered events and source offsets included) / agents |"
                                + " %s | |%n",
                        fullSize <= 0
                                ? "not measured"
                                : String.format(
                                        Locale.ROOT,
                                        "%,.0f B (%,d B / %,d)",
                                        (double) fullSize / agents,
                                        fullSize,
                                        agents)));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, sb.toString());
        BenchSummary.writePart(
                out.toAbsolutePath().getParent(),
                "treasury",
                Map.of("treasury_ratio", BenchSummary.median(ratio)));
    }

    /** Each repetition runs the bare job, then the treasury job. */
    private static List<Run> repetitions(long n, int agents, int reps, Path checkpoints)
            throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            runs.add(run(true, n, agents, checkpoints, false));
            runs.add(run(false, n, agents, checkpoints, false));
        }
        return runs;
    }

    private static double[] rates(List<Run> runs, boolean bare) {
        return runs.stream().filter(r -> r.bare() == bare).mapToDouble(Run::perSecond).toArray();
    }

    static Run run(boolean bare, long n, int agents, Path dir, boolean checkpoints)
            throws Exception {
        Shipped shipped = Shipped.get();
        Configuration conf = shipped.backend(new Configuration(), "hashmap", dir);
        conf.setString(
                "metrics.reporter.subtasks.factory.class",
                JobThroughputBench.SubtaskCounter.class.getName());
        if (checkpoints) {
            shipped.checkpointing(conf, Duration.ofSeconds(1));
            // The reporter keeps the largest checkpoint size; gauges are read when it reports.
            conf.setString("metrics.reporter.subtasks.interval", "20 ms");
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                        JobThroughputBench.PARALLELISM, conf);
        env.getConfig().enableObjectReuse();
        Configuration config = CommonOptions.fromArgs(new String[0]);
        // Generated event times say nothing about the wall clock, as in a replay.
        config.set(TreasuryOptions.IDLENESS, Duration.ZERO);
        config.set(TreasuryOptions.QUIET_ADVANCE, Duration.ZERO);
        TreasurySettings settings = new TreasurySettings(config);
        long costs = n * 9 / 10;
        long balances = n - costs;
        SourceFactory<RawRecord> costSource = source(costs, agents, false);
        SourceFactory<RawRecord> balanceSource = source(balances, agents, true);
        if (bare) {
            DataStream<TreasuryEvent> c =
                    costSource
                            .create(env, "bench-costs")
                            .uid("bench-costs")
                            .process(
                                    new ParseOrDeadLetter<>("bench", settings.eventParser::parse),
                                    TypeInformation.of(TreasuryEvent.class))
                            .uid("bench-parse-costs");
            DataStream<TreasuryEvent> b =
                    balanceSource
                            .create(env, "bench-balances")
                            .uid("bench-balances")
                            .process(
                                    new ParseOrDeadLetter<>("bench", settings.eventParser::parse),
                                    TypeInformation.of(TreasuryEvent.class))
                            .uid("bench-parse-balances");
            c.union(b)
                    .keyBy(e -> e.agentId, Types.STRING)
                    .process(new CountPerAgent(), Types.LONG)
                    .uid("bench-bare-keyed")
                    .sinkTo(new DiscardingSink<>())
                    .uid("bench-discard");
        } else {
            TreasuryJob.Sources sources =
                    new TreasuryJob.Sources(
                            new TreasuryJob.Input<>(
                                    costSource,
                                    settings.eventParser::parse,
                                    TreasuryNames.DLQ_COSTS),
                            new TreasuryJob.Input<>(
                                    balanceSource,
                                    settings.eventParser::parse,
                                    TreasuryNames.DLQ_BALANCES),
                            null,
                            null);
            TreasuryJob.Sinks sinks =
                    new TreasuryJob.Sinks(
                            List.of(discard("bench-treasury", TreasurySnapshot.class)),
                            List.of(discard("bench-history", TreasurySnapshot.class)),
                            List.of(),
                            List.of(discard("bench-transitions", TreasuryTransition.class)),
                            List.of(discard("bench-costs-out", CostRecord.class)),
                            List.of(discard("bench-daily-costs", DailyCost.class)),
                            List.of(discard("bench-metrics", AgentMetric.class)),
                            List.of(discard("bench-dead-letters", DeadLetter.class)));
            new TreasuryJob(sources, sinks, settings).build(env);
        }
        JobThroughputBench.SubtaskCounter.CHECKPOINTS.clear();
        JobExecutionResult result = env.execute("bench-treasury-" + (bare ? "bare" : "job"));
        Run run = new Run(bare, n, result.getNetRuntime());
        System.err.printf(
                Locale.ROOT,
                "[bench] treasury %s, %d agents: %d events in %d ms = %.0f events/s%n",
                bare ? "bare" : "job",
                agents,
                n,
                run.millis(),
                run.perSecond());
        return run;
    }

    private static <T> NamedSink<T> discard(String name, Class<T> type) {
        return NamedSink.of(name, new DiscardingSink<T>());
    }

    private static SourceFactory<RawRecord> source(long count, int agents, boolean balances) {
        return (env, name) ->
                env.fromSource(
                        new DataGeneratorSource<>(
                                new EventGenerator(count, agents, balances),
                                count,
                                TypeInformation.of(RawRecord.class)),
                        WatermarkStrategy.noWatermarks(),
                        name,
                        TypeInformation.of(RawRecord.class));
    }

    /** The bare job's keyed step: one read and one write of a value per event. */
    static final class CountPerAgent extends KeyedProcessFunction<String, TreasuryEvent, Long> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(TreasuryEvent event, Context ctx, Collector<Long> out)
                throws IOException {
            Long c = count.value();
            count.update(c == null ? 1L : c + 1);
        }
    }

    /**
     * Cost or balance events as the producers write them: event {@code j} for agent {@code j mod
     * agents}, event times spread so that both sources move through event time together.
     */
    static final class EventGenerator implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;

        private final long count;
        private final int agents;
        private final boolean balances;

        EventGenerator(long count, int agents, boolean balances) {
            this.count = count;
            this.agents = agents;
            this.balances = balances;
        }

        @Override
        public void open(SourceReaderContext readerContext) {}

        @Override
        public RawRecord map(Long index) {
            long j = index;
            // Costs are 9 in 10 events, balances 1 in 10: each source's events are that much
            // further apart in event time, so the two advance together.
            long ts = T0 + (balances ? j * STEP_MILLIS * 10 : j * STEP_MILLIS * 10 / 9);
            String agent = "agent-" + (j % agents);
            String id = (balances ? "b" : "c") + j;
            String json =
                    balances
                            ? "{\"event_id\":\""
                                    + id
                                    + "\",\"agent_id\":\""
                                    + agent
                                    + "\",\"timestamp\":"
                                    + ts
                                    + ",\"type\":\"balance\",\"balance_usd\":"
                                    + (1000 + j % 500)
                                    + "}"
                            : "{\"event_id\":\""
                                    + id
                                    + "\",\"agent_id\":\""
                                    + agent
                                    + "\",\"timestamp\":"
                                    + ts
                                    + ",\"type\":\"cost\",\"amount\":0.0"
                                    + (1 + j % 9)
                                    + "}";
            return new RawRecord(json, "bench@" + id, ts);
        }
    }
}
