package com.athena.testing;

import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;

/** One key's state of an operator under test, read through the descriptor the function uses. */
public final class KeyedStates {
    private KeyedStates() {}

    /** The state {@code descriptor} of {@code key}, which becomes the backend's current key. */
    public static <S extends State> S of(
            AbstractStreamOperator<?> operator, Object key, StateDescriptor<S, ?> descriptor)
            throws Exception {
        KeyedStateBackend<Object> backend = operator.getKeyedStateBackend();
        backend.setCurrentKey(key);
        return backend.getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
    }
}
