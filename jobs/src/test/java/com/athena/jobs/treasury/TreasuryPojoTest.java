package com.athena.jobs.treasury;

import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.CrashTimeline;
import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.TreasuryEngine;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasuryInput;
import com.athena.common.treasury.TreasuryOutput;
import com.athena.common.treasury.TreasuryRules;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryState;
import com.athena.common.treasury.TreasuryTransition;

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
                AgentMetric.class,
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
        CrashTimeline market = new CrashTimeline();
        TreasuryOutput ignored =
                new TreasuryOutput() {
                    @Override
                    public void snapshot(TreasurySnapshot snapshot) {}

                    @Override
                    public void transition(TreasuryTransition transition) {}

                    @Override
                    public void cost(CostRecord cost) {}

                    @Override
                    public void dailyCost(DailyCost dailyCost) {}

                    @Override
                    public void rejected(TreasuryEvent event, String reason) {}
                };
        long day0 = java.time.Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();
        long hour = 3_600_000L;
        // A balance, then costs over three days: a state with history, burn and transitions.
        List<TreasuryEvent> events =
                List.of(
                        TreasuryEvent.balance("b", "agent", day0, 25.00, 3.00),
                        TreasuryEvent.cost("c1", "agent", day0 + 9 * hour, 3.10, "llm_cost"),
                        TreasuryEvent.cost("c2", "agent", day0 + 33 * hour, 4.20, "api_cost"),
                        TreasuryEvent.cost("c3", "agent", day0 + 57 * hour, 5.05, "llm_cost"));
        for (TreasuryEvent e : events) {
            engine.onEvent(state, e, market, ignored);
        }
        engine.advance(state, day0 + 72 * hour, true, market, ignored);
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
