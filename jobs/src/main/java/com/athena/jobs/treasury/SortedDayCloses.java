package com.athena.jobs.treasury;

import com.athena.common.treasury.TreasurySnapshot;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Holds the day-close snapshots of a bounded run and emits them at the end of input sorted by agent
 * then day (a replay's output order). Keyed by one constant key, at parallelism 1.
 */
public class SortedDayCloses
        extends KeyedProcessFunction<Integer, TreasurySnapshot, TreasurySnapshot> {
    private static final long serialVersionUID = 1L;

    static final ListStateDescriptor<TreasurySnapshot> ROWS =
            new ListStateDescriptor<>("day-closes", TypeInformation.of(TreasurySnapshot.class));

    static final Comparator<TreasurySnapshot> ORDER =
            Comparator.<TreasurySnapshot, String>comparing(s -> s.agentId)
                    .thenComparing(s -> s.day)
                    .thenComparingLong(s -> s.sequence);

    private transient ListState<TreasurySnapshot> rows;

    @Override
    public void open(OpenContext openContext) {
        rows = getRuntimeContext().getListState(ROWS);
    }

    @Override
    public void processElement(TreasurySnapshot s, Context ctx, Collector<TreasurySnapshot> out)
            throws Exception {
        rows.add(s);
        // Fires only with the end-of-input watermark.
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<TreasurySnapshot> out)
            throws Exception {
        List<TreasurySnapshot> sorted = new ArrayList<>();
        rows.get().forEach(sorted::add);
        sorted.sort(ORDER);
        sorted.forEach(out::collect);
        rows.clear();
    }
}
