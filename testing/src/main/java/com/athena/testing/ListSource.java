package com.athena.testing;

import com.athena.common.connectors.RawRecord;

import org.apache.flink.streaming.api.functions.source.SourceFunction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A bounded list of raw payloads as a source: emits them in order, then either finishes (the run
 * goes on to its end) or stays open (so that a savepoint can be taken with the job still running,
 * as in Flink's own savepoint migration tests).
 *
 * <p>A legacy, non-parallel source on purpose: it has no state of its own, so the fixture savepoint
 * holds exactly the job's state and nothing of a test connector.
 */
@SuppressWarnings("deprecation")
public final class ListSource implements SourceFunction<RawRecord> {
    private static final long serialVersionUID = 1L;

    /** Counted down by the source named {@link #name} once every payload is out. */
    public static final Map<String, CountDownLatch> EMITTED = new ConcurrentHashMap<>();

    private final String name;
    private final ArrayList<String> payloads;
    private final boolean stayOpen;
    private volatile boolean running = true;

    public ListSource(String name, List<String> payloads, boolean stayOpen) {
        this.name = name;
        this.payloads = new ArrayList<>(payloads);
        this.stayOpen = stayOpen;
        EMITTED.put(name, new CountDownLatch(1));
    }

    @Override
    public void run(SourceContext<RawRecord> ctx) throws Exception {
        for (int i = 0; i < payloads.size() && running; i++) {
            // Under the checkpoint lock: a savepoint barrier lands between records, never inside.
            synchronized (ctx.getCheckpointLock()) {
                ctx.collect(new RawRecord(payloads.get(i), name + "@" + i, i));
            }
        }
        CountDownLatch latch = EMITTED.get(name);
        if (latch != null) {
            latch.countDown();
        }
        while (stayOpen && running) {
            Thread.sleep(50);
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}
