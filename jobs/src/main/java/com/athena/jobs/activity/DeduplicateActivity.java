package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.SeenIds;
import com.athena.common.json.JsonFields;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.time.Instant;

/**
 * Keyed by agent: passes each event_id once. A repeated id (a Pub/Sub redelivery, a retrying
 * producer) becomes a dead letter ({@link ActivityNames#DLQ_DUPLICATES}) and counts in {@value
 * #METRIC_DUPLICATES}; ids are remembered for the TTL in {@link SeenIds} state.
 *
 * <p>An agent with ids has a processing-time timer at the next multiple of a quarter of the TTL;
 * when it fires, the agent's expired ids are dropped, and while any remain the timer is set again.
 * So an agent holds the ids of at most about 1.25 TTLs, and one whose ids have all expired holds
 * neither state nor timer.
 */
public class DeduplicateActivity
        extends KeyedProcessFunction<String, ActivityEvent, ActivityEvent> {
    private static final long serialVersionUID = 1L;

    /** The state's name: never changes, savepoints find it by it. */
    public static final String SEEN_IDS = "seen-activity-ids";

    public static final String METRIC_DUPLICATES = "duplicateEvents";

    public static final OutputTag<DeadLetter> DUPLICATES = new OutputTag<>("duplicate-activity") {};

    private final Duration ttl;
    private final long sweepMillis;
    private transient MapState<String, Long> seen;
    private transient Counter duplicates;

    public DeduplicateActivity(Duration ttl) {
        this.ttl = ttl;
        this.sweepMillis = Math.max(1, ttl.toMillis() / 4);
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getMapState(SeenIds.descriptor(SEEN_IDS, ttl));
        duplicates = getRuntimeContext().getMetricGroup().counter(METRIC_DUPLICATES);
    }

    @Override
    public void processElement(ActivityEvent event, Context ctx, Collector<ActivityEvent> out)
            throws Exception {
        if (seen.contains(event.eventId)) {
            duplicates.inc();
            ctx.output(DUPLICATES, duplicate(event));
            return;
        }
        seen.put(event.eventId, event.timestamp);
        // The same time for every event of a quarter TTL: registering it again is a no-op.
        ctx.timerService().registerProcessingTimeTimer(nextSweep(ctx.timerService()));
        out.collect(event);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<ActivityEvent> out)
            throws Exception {
        SeenIds.forgetExpired(seen);
        if (!seen.isEmpty()) {
            ctx.timerService().registerProcessingTimeTimer(nextSweep(ctx.timerService()));
        }
    }

    /** The next multiple of a quarter of the TTL after now (processing time). */
    private long nextSweep(TimerService timers) {
        return (timers.currentProcessingTime() / sweepMillis + 1) * sweepMillis;
    }

    static DeadLetter duplicate(ActivityEvent e) {
        String json =
                JsonFields.MAPPER
                        .createObjectNode()
                        .put("event_id", e.eventId)
                        .put("type", e.type)
                        .put("agent_id", e.agentId)
                        .put("timestamp", Instant.ofEpochMilli(e.timestamp).toString())
                        .toString();
        return new DeadLetter(
                ActivityNames.DLQ_DUPLICATES,
                e.agentId + "/" + e.eventId,
                e.timestamp,
                "duplicate event_id " + e.eventId + ": already seen, not again",
                json);
    }
}
