package com.athena.jobs.reliability;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@link TaskManagerKillITCase} saw: the kill, the recovery, what the jobs report after it,
 * and the details it writes to the reliability report.
 */
final class KillReport {
    private KillReport() {}

    /**
     * The kill: of which TaskManager (its pid), the latest completed checkpoint of each job before
     * it, how far the inputs had come, the duplicates' dead-letter rows already committed, and when
     * (epoch millis).
     */
    record Kill(
            String victim,
            long pid,
            Map<String, Long> checkpointBeforeKill,
            int tradesAtKill,
            long eventsAtKill,
            long duplicateLettersAtKill,
            long killedAt) {}

    /**
     * When (epoch millis) {@code bin/cluster up} returned, both jobs ran again, and every output
     * was complete.
     */
    record Recovery(long backAt, long runningAt, long completeAt) {}

    /** What the restored checkpoints held, and what the jobs read again after the restore. */
    record Replay(
            long tradesRestored,
            long tradesBeforeKill,
            long eventsRestored,
            long eventsBeforeKill,
            long duplicatesDropped) {}

    /**
     * What the cluster and the outputs say once every output is complete: per job (in submission
     * order) the restored checkpoint and numRestarts, the treasury's late events, the replay, dead
     * letters other than duplicates, the duplicates' dead letters, and late balances rejected.
     */
    record Observed(
            Map<String, JsonNode> restored,
            Map<String, Long> restarts,
            long lateEvents,
            Replay replay,
            long deadLetters,
            long duplicateLetters,
            long rejectedLate) {}

    /**
     * The details: the kill and the recovery, each job's restore, the replay, and a table of the
     * outputs compared. {@code started} is the test's start ({@link System#nanoTime}).
     */
    static String details(
            Kill kill,
            Recovery recovery,
            Observed observed,
            List<Comparison> comparisons,
            int trades,
            int treasuryEvents,
            long started) {
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        "`kill -9` of %s (pid %d, running tasks of both jobs) after %,d of %,d"
                                + " trades and %,d of %,d treasury events, with both jobs"
                                + " checkpointed and input flowing; `bin/cluster up` started it"
                                + " again (returned %.1f s after the kill); both jobs were running again"
                                + " after %.1f s and every output was complete after %.1f s"
                                + " (test wall time so far %.0f s).%n%n",
                        kill.victim(),
                        kill.pid(),
                        kill.tradesAtKill(),
                        trades,
                        kill.eventsAtKill(),
                        treasuryEvents,
                        (recovery.backAt() - kill.killedAt()) / 1000.0,
                        (recovery.runningAt() - kill.killedAt()) / 1000.0,
                        (recovery.completeAt() - kill.killedAt()) / 1000.0,
                        (System.nanoTime() - started) / 1e9));
        appendJobs(out, kill, observed);
        appendReplay(out, observed);
        appendComparisons(out, comparisons);
        return out.toString();
    }

    private static void appendJobs(StringBuilder out, Kill kill, Observed observed) {
        List<String> jobs = new ArrayList<>(observed.restored().keySet());
        String[] names = {"market", "treasury"};
        for (int i = 0; i < jobs.size(); i++) {
            JsonNode r = observed.restored().get(jobs.get(i));
            out.append(
                    String.format(
                            "- %s job `%s`: numRestarts %d, restored checkpoint %s (latest completed"
                                    + " before the kill: %d)%n",
                            names[i],
                            jobs.get(i),
                            observed.restarts().get(jobs.get(i)),
                            r.path("id").isNumber() ? r.path("id").asText() : "none",
                            kill.checkpointBeforeKill().get(jobs.get(i))));
        }
    }

    private static void appendReplay(StringBuilder out, Observed observed) {
        Replay replay = observed.replay();
        out.append(
                String.format(
                        "- the restored market state held the first %,d trades (%,d had been sent"
                                + " before the kill; the rest were read again from Kafka); the"
                                + " restored treasury state held %,d events (%,d had been taken"
                                + " before the kill); after the restore the treasury dropped %,d"
                                + " redelivered or re-read events as duplicates%n",
                        replay.tradesRestored(),
                        replay.tradesBeforeKill(),
                        replay.eventsRestored(),
                        replay.eventsBeforeKill(),
                        replay.duplicatesDropped()));
        out.append(
                String.format(
                        "- treasury events applied late since the restart: %d (the feed allows"
                                + " none); dead letters of either job other than the refused"
                                + " duplicates: %d%n%n",
                        observed.lateEvents(), observed.deadLetters()));
    }

    private static void appendComparisons(StringBuilder out, List<Comparison> comparisons) {
        out.append(
                "Compared with a run without the fault (market: the direct computation from the"
                        + " trades; treasury: the same graph over the same events in one JVM),"
                        + " row by row and field by field (balances exactly):\n\n");
        out.append("| output | expected | found | lost | duplicates | other differences |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        for (Comparison c : comparisons) {
            out.append(
                    String.format(
                            "| %s | %,d | %,d | %d | %d | %d |%n",
                            c.what(),
                            c.expected(),
                            c.found(),
                            c.lost(),
                            c.duplicates(),
                            c.problems().size()));
        }
    }
}
