package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.ActivityType;
import com.athena.common.activity.MemoryRecord;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by memory id: a formation creates the memory, each recall adds one to its {@code
 * recall_count} and moves {@code last_recalled} to the latest recall (event time). Every change of
 * a formed memory is emitted; a recall that comes before its formation is counted and shows in the
 * formation's record. A second formation of the same memory is ignored (a memory forms once).
 */
public class MemoryFunction extends KeyedProcessFunction<String, ActivityEvent, MemoryRecord> {
    private static final long serialVersionUID = 1L;

    /** The state's name: never changes. */
    public static final String MEMORY = "memory";

    private transient ValueState<MemoryRecord> memory;

    @Override
    public void open(OpenContext openContext) {
        memory =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        MEMORY, TypeInformation.of(MemoryRecord.class)));
    }

    @Override
    public void processElement(ActivityEvent event, Context ctx, Collector<MemoryRecord> out)
            throws Exception {
        MemoryRecord record = memory.value();
        if (record == null) {
            record = new MemoryRecord();
        }
        boolean changed;
        String change;
        if (event.is(ActivityType.MEMORY_FORMATION)) {
            changed = record.form(event);
            change = MemoryRecord.FORMATION;
        } else {
            record.recall(event.memoryId, event.timestamp);
            changed = record.formed;
            change = MemoryRecord.RECALL;
        }
        memory.update(record);
        if (changed) {
            MemoryRecord emitted = copy(record);
            emitted.change = change;
            out.collect(emitted);
        }
    }

    /** A new object per emission: the state object changes with later events. */
    static MemoryRecord copy(MemoryRecord r) {
        MemoryRecord c = new MemoryRecord();
        c.memoryId = r.memoryId;
        c.formed = r.formed;
        c.formation = r.formation;
        c.recallCount = r.recallCount;
        c.lastRecalled = r.lastRecalled;
        return c;
    }
}
