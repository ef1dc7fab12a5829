package com.athena.jobs.market;

import com.athena.common.market.Bar;
import com.athena.common.market.OpenBar;
import com.athena.common.market.OpenBars;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.common.market.TradeBars;
import com.athena.testing.KeyedStates;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trade step's state serializer ({@link OpenBarsSerializer}) round-trips exactly, so a bar
 * continues after a restore as if uninterrupted; and state the POJO serializer wrote (savepoints of
 * earlier releases) migrates on restore, on the heap and on RocksDB.
 */
class OpenBarsSerializerTest {
    private static final long MINUTE = 60_000L;

    private static OpenBars sample() {
        OpenBars state = new OpenBars();
        TradeBars.openBar(state, Timeframe.M5, 300_000).add(300_001, 0.1 + 0.2, 1e-9);
        OpenBar m1 = TradeBars.openBar(state, Timeframe.M1, 60_000);
        m1.add(60_500, 101.25, 3);
        m1.add(60_400, 99.5, -0.0);
        TradeBars.addCleanup(state, 130_000);
        TradeBars.addCleanup(state, 120_000);
        state.legacyIds = true;
        state.countedBy = -7L;
        return state;
    }

    private static OpenBars roundTrip(TypeSerializer<OpenBars> serializer, OpenBars state)
            throws Exception {
        DataOutputSerializer bytes = new DataOutputSerializer(256);
        serializer.serialize(state, bytes);
        return serializer.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));
    }

    private static void assertSame(OpenBars back, OpenBars state) {
        assertThat(back).usingRecursiveComparison().isEqualTo(state);
        assertThat(back.bars[0].toBar("X", Timeframe.M1, 60_000))
                .isEqualTo(state.bars[0].toBar("X", Timeframe.M1, 60_000));
        assertThat(back.nextTimer()).isEqualTo(state.nextTimer());
    }

    @Test
    void roundTripsEveryFieldExactly() throws Exception {
        OpenBars state = sample();
        OpenBars back = roundTrip(OpenBarsSerializer.INSTANCE, state);
        assertSame(back, state);
        assertThat(back.bars[1].open).isEqualTo(0.1 + 0.2);
        assertThat(Double.doubleToRawLongBits(back.bars[0].volume))
                .isEqualTo(Double.doubleToRawLongBits(state.bars[0].volume));
        assertThat(back.cleanups).containsExactly(120_000L, 130_000L);
        assertThat(roundTrip(OpenBarsSerializer.INSTANCE, new OpenBars()).isEmpty()).isTrue();
    }

    @Test
    void copiesDeeply() {
        OpenBars state = sample();
        OpenBars copy = OpenBarsSerializer.INSTANCE.copy(state);
        assertSame(copy, state);
        copy.bars[0].add(60_900, 1, 1);
        copy.cleanups[0] = 1;
        assertThat(state.bars[0].count).isEqualTo(2);
        assertThat(state.cleanups[0]).isEqualTo(120_000L);
    }

    /** Savepoints of earlier releases hold the POJO serializer's bytes; it still reads them. */
    @Test
    void theStateTypeIsStillAPojoForOldSavepoints() throws Exception {
        TypeInformation<OpenBars> info = TypeInformation.of(OpenBars.class);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        TypeInformation<?> bars = ((PojoTypeInfo<?>) info).getTypeAt("bars");
        assertThat(bars).isInstanceOf(ObjectArrayTypeInfo.class);
        assertThat(((ObjectArrayTypeInfo<?, ?>) bars).getComponentInfo())
                .isInstanceOf(PojoTypeInfo.class);
        OpenBars state = sample();
        assertSame(roundTrip(pojo(), state), state);
    }

    @Test
    void resolvesPojoStateAsCompatibleAfterMigrationAndOwnStateAsIs() {
        TypeSerializerSnapshot<OpenBars> current =
                OpenBarsSerializer.INSTANCE.snapshotConfiguration();
        assertThat(current.resolveSchemaCompatibility(pojo().snapshotConfiguration()))
                .matches(c -> c.isCompatibleAfterMigration());
        assertThat(
                        current.resolveSchemaCompatibility(
                                OpenBarsSerializer.INSTANCE.snapshotConfiguration()))
                .matches(c -> c.isCompatibleAsIs());
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<OpenBars> otherPojo =
                (TypeSerializerSnapshot)
                        TypeInformation.of(Bar.class)
                                .createSerializer(new SerializerConfigImpl())
                                .snapshotConfiguration();
        assertThat(current.resolveSchemaCompatibility(otherPojo)).matches(c -> c.isIncompatible());
    }

    /**
     * An operator of the earlier release (same uid, state name and timer, POJO-serialized value)
     * snapshots a symbol with an open 1m bar; the trade step restores it, adds a trade and closes
     * the bar with both trades in it, then leaves no state.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void pojoStateRestoresIntoTheTradeStep(String backend) throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> old =
                harness(new PojoWriter(), backend)) {
            old.open();
            old.processElement(new StreamRecord<>(trade(10_000, 100), 10_000));
            snapshot = old.snapshot(1, 1);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> restored =
                harness(new TradeBarsFunction(List.of(Timeframe.M1), Duration.ZERO), backend)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(new StreamRecord<>(trade(20_000, 90), 20_000));
            restored.processWatermark(new Watermark(MINUTE - 1));
            assertThat(restored.extractOutputValues())
                    .containsExactly(new Bar("BTC", "1m", 0, 100, 100, 90, 90, 2, 2));
            assertThat(restored.numEventTimeTimers()).isZero();
            assertThat(KeyedStates.of(restored.getOperator(), "BTC", MarketState.OPEN_BARS).value())
                    .isNull();
        }
    }

    private static TypeSerializer<OpenBars> pojo() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // fails serializer creation if anything needed Kryo
        return TypeInformation.of(OpenBars.class).createSerializer(config);
    }

    private static Trade trade(long ts, double price) {
        return new Trade("BTC", ts, price, 1, null, "test");
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> harness(
            KeyedProcessFunction<String, Trade, Bar> function, String backend) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        function instanceof TradeBarsFunction trades
                                ? new TradeBarsOperator(trades)
                                : new KeyedProcessOperator<>(function),
                        t -> t.symbol,
                        Types.STRING);
        StateBackend state =
                backend.equals("rocksdb")
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend();
        harness.setStateBackend(state);
        return harness;
    }

    /** The earlier release's state: the same descriptor name with the POJO serializer. */
    private static final class PojoWriter extends KeyedProcessFunction<String, Trade, Bar> {
        @Override
        public void processElement(Trade trade, Context ctx, Collector<Bar> out) throws Exception {
            ValueState<OpenBars> state =
                    getRuntimeContext()
                            .getState(
                                    new ValueStateDescriptor<>(
                                            MarketState.OPEN_BARS.getName(),
                                            TypeInformation.of(OpenBars.class)));
            OpenBars bars = new OpenBars();
            TradeBars.openBar(bars, Timeframe.M1, 0).add(trade.ts, trade.price, trade.size);
            state.update(bars);
            ctx.timerService().registerEventTimeTimer(bars.nextTimer());
        }
    }
}
