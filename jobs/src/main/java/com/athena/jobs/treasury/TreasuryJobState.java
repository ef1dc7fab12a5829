package com.athena.jobs.treasury;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.IdleKeys;
import com.athena.common.flink.KeyActivity;
import com.athena.common.flink.SeenIds;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasuryState;
import com.athena.common.treasury.TreasuryTransition;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.List;

/** The treasury job's state descriptors and side outputs. Their names never change. */
public final class TreasuryJobState {

    /** Per agent: its whole treasury (a POJO, see {@link TreasuryState}). */
    public static final ValueStateDescriptor<TreasuryState> TREASURY =
            new ValueStateDescriptor<>("treasury-state", TypeInformation.of(TreasuryState.class));

    /** Per agent: events waiting for the watermark, by event time. */
    public static final MapStateDescriptor<Long, List<TreasuryEvent>> BUFFER =
            new MapStateDescriptor<>(
                    "event-buffer",
                    Types.LONG,
                    Types.LIST(TypeInformation.of(TreasuryEvent.class)));

    public static final String SEEN_EVENTS = "seen-event-ids";

    /** Per agent: its last event and pending idle clean-up ({@link IdleKeys}). */
    public static final ValueStateDescriptor<KeyActivity> ACTIVITY =
            new ValueStateDescriptor<>("treasury-activity", TypeInformation.of(KeyActivity.class));

    /** Broadcast: the crash signals of the market snapshots, time to "is a trigger". */
    public static final MapStateDescriptor<Long, Boolean> CRASH_SIGNALS =
            new MapStateDescriptor<>("crash-signals", Types.LONG, Types.BOOLEAN);

    public static final OutputTag<TreasuryTransition> TRANSITIONS =
            new OutputTag<>("transitions", TypeInformation.of(TreasuryTransition.class));

    public static final OutputTag<CostRecord> COSTS =
            new OutputTag<>("costs", TypeInformation.of(CostRecord.class));

    public static final OutputTag<DailyCost> DAILY_COSTS =
            new OutputTag<>("daily-costs", TypeInformation.of(DailyCost.class));

    /** Late balance reports that could not be applied. */
    public static final OutputTag<DeadLetter> REJECTED =
            new OutputTag<>("rejected-events", TypeInformation.of(DeadLetter.class));

    private TreasuryJobState() {}

    /**
     * Per agent: the event ids seen, each forgotten {@code ttl} (processing time) after it was
     * first seen. Expired ids are never returned; the function drops an agent's expired ids at each
     * of its day closes ({@link SeenIds#forgetExpired}), RocksDB's compaction filter also drops
     * them.
     */
    public static MapStateDescriptor<String, Long> seenEvents(Duration ttl) {
        return SeenIds.descriptor(SEEN_EVENTS, ttl);
    }
}
