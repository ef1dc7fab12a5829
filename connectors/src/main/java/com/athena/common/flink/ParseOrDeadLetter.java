package com.athena.common.flink;

import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.json.RecordParser;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses raw records; what fails goes to the dead-letter side output with its payload, source and
 * reason, so that bad input never fails the job and never hides. A record the source's timestamp
 * assigner already parsed ({@link EventTimeParser}) is not parsed again: its outcome, including an
 * event time beyond the future tolerance, is the one that decided its watermark.
 */
public class ParseOrDeadLetter<T> extends ProcessFunction<RawRecord, T> {
    private static final long serialVersionUID = 1L;

    /** The side output of every parse step. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    /** Metric names, stable because dashboards and alerts use them. */
    public static final String METRIC_RECORDS_IN = "recordsParsed";

    public static final String METRIC_DEAD_LETTERS = "deadLetters";

    private final String sourceName;
    private final EventTimeParser<T> parser;

    private transient Counter parsed;
    private transient Counter rejected;

    public ParseOrDeadLetter(String sourceName, RecordParser<T> parser) {
        this(sourceName, EventTimeParser.plain(parser));
    }

    public ParseOrDeadLetter(String sourceName, EventTimeParser<T> parser) {
        this.sourceName = sourceName;
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        parsed = getRuntimeContext().getMetricGroup().counter(METRIC_RECORDS_IN);
        rejected = getRuntimeContext().getMetricGroup().counter(METRIC_DEAD_LETTERS);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        EventTimeParser.Outcome outcome =
                parser.parse(raw, ctx.timerService().currentProcessingTime());
        if (outcome.rejection != null) {
            reject(raw, outcome.rejection, ctx);
            return;
        }
        parsed.inc();
        out.collect((T) outcome.record);
    }

    private void reject(RawRecord raw, String reason, Context ctx) {
        rejected.inc();
        ctx.output(
                DEAD_LETTERS,
                new DeadLetter(sourceName, raw.origin, raw.receivedAt, reason, raw.payload));
    }
}
