package com.athena.jobs.market;

import com.athena.common.market.Bar;
import com.athena.common.market.Trade;

import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The operator of the trade step: {@link TradeBarsFunction} with its per-symbol open bars held
 * between checkpoints, the way Flink SQL's mini-batch operators hold their bundles.
 *
 * <p>The function keeps the open bars it read or changed in a map instead of reading and writing
 * {@link MarketState#OPEN_BARS} on every trade; on RocksDB that read and write, with their
 * serialization, were half of a trade's cost. This operator writes the map into keyed state before
 * each checkpoint barrier ({@link #prepareSnapshotPreBarrier}), so every checkpoint and savepoint
 * holds exactly what a write per trade would have held, and when the map reaches {@link
 * TradeBarsFunction#MAX_HELD_SYMBOLS} symbols, which bounds its memory.
 */
public class TradeBarsOperator extends KeyedProcessOperator<String, Trade, Bar> {
    private static final long serialVersionUID = 1L;

    public TradeBarsOperator(TradeBarsFunction function) {
        super(function);
    }

    @Override
    public void processElement(StreamRecord<Trade> element) throws Exception {
        TradeBarsFunction function = (TradeBarsFunction) userFunction;
        if (function.holdsMaximum()) {
            // The task set the trade's key; writing the held symbols switches it, so set it back.
            Object key = getCurrentKey();
            function.writeHeld(this::setCurrentKey);
            setCurrentKey(key);
        }
        super.processElement(element);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        ((TradeBarsFunction) userFunction).writeHeld(this::setCurrentKey);
    }
}
