package com.athena.jobs.market;

import com.athena.common.indicators.Atr;
import com.athena.common.indicators.Bollinger;
import com.athena.common.indicators.Ema;
import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.Macd;
import com.athena.common.indicators.RegimeThresholds;
import com.athena.common.indicators.Rsi;
import com.athena.common.indicators.TrendDirection;
import com.athena.common.market.Bar;
import com.athena.common.market.OhlcvAccumulator;
import com.athena.common.market.Timeframe;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state and the records it feeds are Flink POJOs: serialized field by field without Kryo, so
 * that savepoints survive class changes and {@code pipeline.generic-types: false} holds.
 */
class IndicatorStatePojoTest {

    @ParameterizedTest
    @ValueSource(
            classes = {
                IndicatorState.class,
                IndicatorValues.class,
                Bar.class,
                OhlcvAccumulator.class,
                Ema.class,
                Rsi.class,
                Macd.class,
                Bollinger.class,
                Atr.class
            })
    void isAPojoAllTheWayDown(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        assertNoGenericField((PojoTypeInfo<?>) info);
    }

    @Test
    void stateHasEveryIndicatorAsAPojoField() {
        PojoTypeInfo<?> info = (PojoTypeInfo<?>) TypeInformation.of(IndicatorState.class);
        for (String name :
                new String[] {
                    "ema9", "ema21", "ema50", "ema200", "rsi14", "macd", "bollinger", "atr14"
                }) {
            assertThat(info.getTypeAt(name)).as(name).isInstanceOf(PojoTypeInfo.class);
        }
    }

    /**
     * Serializes the state mid-warm-up (30 bars: EMA 50/200 and MACD not yet warm) and checks that
     * the copy continues exactly like the original, bar for bar, through every warm-up boundary.
     */
    @Test
    void roundTripMidWarmUpContinuesIdentically() throws IOException {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // fails serializer creation if anything needed Kryo
        TypeSerializer<IndicatorState> serializer =
                TypeInformation.of(IndicatorState.class).createSerializer(config);

        IndicatorState original = new IndicatorState(Timeframe.M15);
        IndicatorValues outOriginal = new IndicatorValues();
        IndicatorValues outRestored = new IndicatorValues();
        int bar = 0;
        for (; bar < 30; bar++) {
            feed(original, bar, outOriginal);
        }
        assertThat(outOriginal.ema50).isNaN();
        assertThat(outOriginal.macd).isNaN();
        assertThat(outOriginal.rsi14).isNotNaN();

        DataOutputSerializer bytes = new DataOutputSerializer(1024);
        serializer.serialize(original, bytes);
        IndicatorState restored =
                serializer.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));
        IndicatorState copied = serializer.copy(original);

        assertThat(restored).isNotSameAs(original);
        assertThat(restored.bollinger.ring)
                .isNotSameAs(original.bollinger.ring)
                .containsExactly(original.bollinger.ring);
        IndicatorValues outCopied = new IndicatorValues();
        for (; bar < 300; bar++) {
            feed(original, bar, outOriginal);
            feed(restored, bar, outRestored);
            feed(copied, bar, outCopied);
            assertThat(outRestored).as("bar %d", bar).isEqualTo(outOriginal);
            assertThat(outCopied).as("bar %d", bar).isEqualTo(outOriginal);
        }
        assertThat(outRestored.ema200).isNotNaN();
        assertThat(outRestored.trendDirection).isNotNull();
        assertThat(outRestored.volatilityRegime).isNotNull();
        assertThat(restored.timeframeMinutes).isEqualTo(15);
        assertThat(restored.trendBand).isEqualTo(RegimeThresholds.DEFAULT.trendBand());
    }

    @Test
    void valuesRoundTrip() throws IOException {
        TypeSerializer<IndicatorValues> serializer =
                TypeInformation.of(IndicatorValues.class)
                        .createSerializer(new SerializerConfigImpl());
        IndicatorValues v = new IndicatorValues();
        v.ema9 = 1.5;
        v.macd = -0.25;
        v.trendDirection = TrendDirection.DOWN;
        DataOutputSerializer bytes = new DataOutputSerializer(256);
        serializer.serialize(v, bytes);
        IndicatorValues back =
                serializer.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));
        assertThat(back).isEqualTo(v);
        assertThat(back.ema21).isNaN();
        assertThat(back.volatilityRegime).isNull();
    }

    private static void feed(IndicatorState state, int bar, IndicatorValues out) {
        double close = 1000 + 25 * Math.sin(bar / 9.0) + 0.3 * bar;
        state.update(close - 1, close + 2 + (bar % 3), close - 2, close, out);
    }

    private static void assertNoGenericField(PojoTypeInfo<?> info) {
        for (int i = 0; i < info.getArity(); i++) {
            PojoField field = info.getPojoFieldAt(i);
            TypeInformation<?> fieldType = field.getTypeInformation();
            assertThat(fieldType)
                    .as("%s.%s", info.getTypeClass().getSimpleName(), field.getField().getName())
                    .isNotInstanceOf(GenericTypeInfo.class);
            if (fieldType instanceof PojoTypeInfo) {
                assertNoGenericField((PojoTypeInfo<?>) fieldType);
            }
        }
    }
}
