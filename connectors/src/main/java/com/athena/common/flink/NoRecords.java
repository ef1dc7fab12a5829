package com.athena.common.flink;

import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * A source of no records that finishes at once: the stand-in for an absent optional input (a
 * broadcast feed), whose end-of-input watermark then holds nothing back. Flink 1.20's {@code
 * fromData} of an empty collection fails at run time, hence this.
 */
@SuppressWarnings("deprecation")
public final class NoRecords<T> implements SourceFunction<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public void run(SourceContext<T> ctx) {}

    @Override
    public void cancel() {}
}
