package com.athena.jobs.market;

import com.athena.common.market.OpenBar;
import com.athena.common.market.OpenBars;
import com.athena.common.market.Timeframe;
import com.athena.common.market.TradeBars;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trade step's state is a Flink POJO all the way down (no Kryo, {@code pipeline.generic-types:
 * false} holds) and round-trips exactly, so a bar continues after a restore as if uninterrupted.
 */
class OpenBarsPojoTest {

    @Test
    void isAPojoWithAnArrayOfPojoBars() {
        TypeInformation<OpenBars> info = TypeInformation.of(OpenBars.class);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        TypeInformation<?> bars = ((PojoTypeInfo<?>) info).getTypeAt("bars");
        assertThat(bars).isInstanceOf(ObjectArrayTypeInfo.class);
        assertThat(((ObjectArrayTypeInfo<?, ?>) bars).getComponentInfo())
                .isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(OpenBar.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void roundTripsExactly() throws Exception {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // fails serializer creation if anything needed Kryo
        TypeSerializer<OpenBars> serializer =
                TypeInformation.of(OpenBars.class).createSerializer(config);
        OpenBars state = new OpenBars();
        TradeBars.openBar(state, Timeframe.M5, 300_000).add(300_001, 0.1 + 0.2, 1e-9);
        TradeBars.openBar(state, Timeframe.M1, 60_000).add(60_500, 101.25, 3);
        TradeBars.addCleanup(state, 130_000);
        TradeBars.addCleanup(state, 120_000);
        state.legacyIds = true;

        DataOutputSerializer bytes = new DataOutputSerializer(256);
        serializer.serialize(state, bytes);
        OpenBars back = serializer.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));

        assertThat(back.cleanups).containsExactly(120_000L, 130_000L);
        assertThat(back.legacyIds).isTrue();
        assertThat(back.bars).hasSize(2);
        assertThat(back.bars[0].timeframe).isEqualTo(Timeframe.M1);
        assertThat(back.bars[1].timeframe).isEqualTo(Timeframe.M5);
        assertThat(back.bars[1].open).isEqualTo(0.1 + 0.2);
        assertThat(back.bars[1].toBar("X", Timeframe.M5, 300_000))
                .isEqualTo(state.bars[1].toBar("X", Timeframe.M5, 300_000));
        assertThat(back.nextTimer()).isEqualTo(119_999L);
    }
}
