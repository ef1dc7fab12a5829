package com.athena.common.treasury;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every type the treasury keeps in state or sends between operators is a Flink POJO with no generic
 * (Kryo) type anywhere inside: the jobs run with {@code pipeline.generic-types: false}, and POJO
 * serializers can evolve across savepoints.
 */
class TreasuryPojoTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            classes = {
                TreasuryState.class,
                TreasuryEvent.class,
                TreasurySnapshot.class,
                TreasuryTransition.class,
                CostRecord.class,
                DailyCost.class,
                TreasuryRow.class,
                TreasuryInput.class
            })
    void isAPojoWithoutGenericTypes(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        List<String> generic = new ArrayList<>();
        collectGeneric(info, type.getSimpleName(), generic);
        assertThat(generic).as("generic types inside").isEmpty();
    }

    private static void collectGeneric(TypeInformation<?> info, String path, List<String> out) {
        if (info instanceof GenericTypeInfo) {
            out.add(path + ": " + info);
            return;
        }
        if (info instanceof PojoTypeInfo<?> pojo) {
            for (int i = 0; i < pojo.getArity(); i++) {
                collectGeneric(
                        pojo.getPojoFieldAt(i).getTypeInformation(),
                        path + "." + pojo.getPojoFieldAt(i).getField().getName(),
                        out);
            }
            return;
        }
        info.getGenericParameters()
                .forEach((name, param) -> collectGeneric(param, path + "<" + name + ">", out));
    }

    @Test
    void theStateSurvivesItsSerializer() throws Exception {
        TreasuryEngine engine = new TreasuryEngine(TreasuryRules.DEFAULT);
        TreasuryState state = new TreasuryState();
        Recorder out = new Recorder();
        CrashTimeline market = new CrashTimeline();
        for (TreasuryEvent e : TreasuryEngineTest.scenario3("agent")) {
            engine.onEvent(state, e, market, out);
        }
        ExecutionConfig config = new ExecutionConfig();
        ((SerializerConfigImpl) config.getSerializerConfig()).setGenericTypes(false);
        TypeSerializer<TreasuryState> serializer =
                TypeInformation.of(TreasuryState.class)
                        .createSerializer(config.getSerializerConfig());
        DataOutputSerializer bytes = new DataOutputSerializer(256);
        serializer.serialize(state, bytes);
        TreasuryState copy =
                serializer.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));
        assertThat(copy).usingRecursiveComparison().isEqualTo(state);
    }
}
