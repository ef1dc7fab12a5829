package com.athena.jobs.market;

import com.athena.common.market.OpenBar;
import com.athena.common.market.OpenBars;
import com.athena.common.market.Timeframe;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The serializer of the trade step's per-symbol state ({@link MarketState#OPEN_BARS}): the fields
 * in a fixed order, without the POJO serializer's reflection and null flags, which on RocksDB was
 * the largest Java cost of a trade (each trade reads and writes the symbol's value).
 *
 * <p>Format, version 1: the number of bars, then per bar its timeframe's code ({@link #CODES}),
 * start, open, high, low, close, volume, count, first and last trade time; the number of clean-up
 * times and each; the legacy-ids flag; the live-gauge mark. State written by the POJO serializer
 * (savepoints of releases before this serializer) is compatible after migration: Flink reads it
 * with the POJO serializer restored from the savepoint and writes it with this one.
 */
public final class OpenBarsSerializer extends TypeSerializerSingleton<OpenBars> {
    private static final long serialVersionUID = 1L;

    public static final OpenBarsSerializer INSTANCE = new OpenBarsSerializer();

    /**
     * The timeframes by code, the byte written for each bar. Fixed here, not the enum's ordinals: a
     * new timeframe gets the next code, and no code is ever reused.
     */
    private static final Timeframe[] CODES = {
        Timeframe.M1, Timeframe.M5, Timeframe.M15, Timeframe.H1, Timeframe.D1
    };

    private OpenBarsSerializer() {}

    private static int code(Timeframe timeframe) {
        for (int i = 0; i < CODES.length; i++) {
            if (CODES[i] == timeframe) {
                return i;
            }
        }
        throw new IllegalStateException("No serializer code for timeframe " + timeframe);
    }

    private static Timeframe timeframe(byte code) throws IOException {
        if (code < 0 || code >= CODES.length) {
            throw new IOException("Unknown timeframe code " + code + " in open-bars state");
        }
        return CODES[code];
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public OpenBars createInstance() {
        return new OpenBars();
    }

    @Override
    public OpenBars copy(OpenBars from) {
        OpenBars to = new OpenBars();
        to.bars = new OpenBar[from.bars.length];
        for (int i = 0; i < from.bars.length; i++) {
            to.bars[i] = copy(from.bars[i]);
        }
        to.cleanups = from.cleanups.clone();
        to.legacyIds = from.legacyIds;
        to.countedBy = from.countedBy;
        return to;
    }

    private static OpenBar copy(OpenBar from) {
        OpenBar to = new OpenBar(from.timeframe, from.start);
        to.open = from.open;
        to.high = from.high;
        to.low = from.low;
        to.close = from.close;
        to.volume = from.volume;
        to.count = from.count;
        to.openTs = from.openTs;
        to.closeTs = from.closeTs;
        return to;
    }

    @Override
    public OpenBars copy(OpenBars from, OpenBars reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(OpenBars record, DataOutputView target) throws IOException {
        target.writeInt(record.bars.length);
        for (OpenBar bar : record.bars) {
            target.writeByte(code(bar.timeframe));
            target.writeLong(bar.start);
            target.writeDouble(bar.open);
            target.writeDouble(bar.high);
            target.writeDouble(bar.low);
            target.writeDouble(bar.close);
            target.writeDouble(bar.volume);
            target.writeLong(bar.count);
            target.writeLong(bar.openTs);
            target.writeLong(bar.closeTs);
        }
        target.writeInt(record.cleanups.length);
        for (long time : record.cleanups) {
            target.writeLong(time);
        }
        target.writeBoolean(record.legacyIds);
        target.writeLong(record.countedBy);
    }

    @Override
    public OpenBars deserialize(DataInputView source) throws IOException {
        OpenBars record = new OpenBars();
        int bars = source.readInt();
        record.bars = new OpenBar[bars];
        for (int i = 0; i < bars; i++) {
            OpenBar bar = new OpenBar(timeframe(source.readByte()), source.readLong());
            bar.open = source.readDouble();
            bar.high = source.readDouble();
            bar.low = source.readDouble();
            bar.close = source.readDouble();
            bar.volume = source.readDouble();
            bar.count = source.readLong();
            bar.openTs = source.readLong();
            bar.closeTs = source.readLong();
            record.bars[i] = bar;
        }
        int cleanups = source.readInt();
        record.cleanups = new long[cleanups];
        for (int i = 0; i < cleanups; i++) {
            record.cleanups[i] = source.readLong();
        }
        record.legacyIds = source.readBoolean();
        record.countedBy = source.readLong();
        return record;
    }

    @Override
    public OpenBars deserialize(OpenBars reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<OpenBars> snapshotConfiguration() {
        return new OpenBarsSerializerSnapshot();
    }

    /** The snapshot of {@link OpenBarsSerializer}; migrates state the POJO serializer wrote. */
    public static final class OpenBarsSerializerSnapshot
            extends SimpleTypeSerializerSnapshot<OpenBars> {

        public OpenBarsSerializerSnapshot() {
            super(() -> INSTANCE);
        }

        @Override
        public TypeSerializerSchemaCompatibility<OpenBars> resolveSchemaCompatibility(
                TypeSerializerSnapshot<OpenBars> oldSerializerSnapshot) {
            if (oldSerializerSnapshot instanceof PojoSerializerSnapshot
                    && oldSerializerSnapshot.restoreSerializer().createInstance()
                            instanceof OpenBars) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(oldSerializerSnapshot);
        }
    }
}
