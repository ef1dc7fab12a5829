package com.athena.common.flink;

import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.RecordParser;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses raw records; what fails goes to the dead-letter side output with its payload, source and
 * reason, so that bad input never fails the job and never hides.
 */
public class ParseOrDeadLetter<T> extends ProcessFunction<RawRecord, T> {
    private static final long serialVersionUID = 1L;

    /** The side output of every parse step. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    /** Metric names, stable because dashboards and alerts use them. */
    public static final String METRIC_RECORDS_IN = "recordsParsed";

    public static final String METRIC_DEAD_LETTERS = "deadLetters";

    private final String sourceName;
    private final RecordParser<T> parser;

    private transient Counter parsed;
    private transient Counter rejected;

    public ParseOrDeadLetter(String sourceName, RecordParser<T> parser) {
        this.sourceName = sourceName;
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        parsed = getRuntimeContext().getMetricGroup().counter(METRIC_RECORDS_IN);
        rejected = getRuntimeContext().getMetricGroup().counter(METRIC_DEAD_LETTERS);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        T record;
        try {
            record = parser.parse(raw.payload, ctx.timerService().currentProcessingTime());
        } catch (InvalidRecordException e) {
            reject(raw, e.getMessage(), ctx);
            return;
        } catch (RuntimeException e) {
            // A parser bug must not take the job down with it; the record is kept for replay.
            reject(raw, "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(), ctx);
            return;
        }
        parsed.inc();
        out.collect(record);
    }

    private void reject(RawRecord raw, String reason, Context ctx) {
        rejected.inc();
        ctx.output(
                DEAD_LETTERS,
                new DeadLetter(sourceName, raw.origin, raw.receivedAt, reason, raw.payload));
    }
}
