package com.athena.common.firestore;

import com.athena.common.connectors.RetryPolicy;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.cloud.firestore.Firestore;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Firestore reads under the sink's retry policy, against a fake client: {@code maxRetries}
 * counts the retries after the first attempt, as the option always did.
 */
class RetryingReaderTest {
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Long> slept = new ArrayList<>();

    /**
     * A client whose getAll fails {@code failures} times with {@code code}, then returns nothing.
     */
    private Firestore failing(int failures, Status.Code code) {
        return (Firestore)
                Proxy.newProxyInstance(
                        Firestore.class.getClassLoader(),
                        new Class<?>[] {Firestore.class},
                        (proxy, method, args) -> {
                            if (!method.getName().equals("getAll")) {
                                throw new UnsupportedOperationException(method.getName());
                            }
                            ApiFuture<?> result =
                                    calls.incrementAndGet() <= failures
                                            ? ApiFutures.immediateFailedFuture(
                                                    code.toStatus().asRuntimeException())
                                            : ApiFutures.immediateFuture(List.of());
                            return result;
                        });
    }

    private RetryingReader reader(Firestore firestore, int maxRetries) {
        RetryPolicy policy =
                RetryPolicy.ofRetries(maxRetries, Duration.ofMillis(200), Duration.ofMillis(500))
                        .withSleeper(slept::add);
        return new RetryingReader(firestore, policy, 1_000);
    }

    @Test
    void retriesTransientErrorsUpToMaxRetriesAfterTheFirstAttempt() throws Exception {
        assertThat(reader(failing(2, Status.Code.UNAVAILABLE), 2).read(List.of())).isEmpty();
        assertThat(calls.get()).isEqualTo(3);
        assertThat(slept).containsExactly(200L, 400L);
    }

    @Test
    void failsOnceTheRetriesAreSpent() {
        assertThatThrownBy(() -> reader(failing(9, Status.Code.UNAVAILABLE), 2).read(List.of()))
                .isInstanceOf(IOException.class)
                .hasMessage("Firestore read of 0 document(s) failed after 3 attempts");
        assertThat(calls.get()).isEqualTo(3);
        assertThat(slept).containsExactly(200L, 400L);
    }

    @Test
    void failsAtOnceOnAnErrorThatIsNotTransient() {
        assertThatThrownBy(
                        () -> reader(failing(9, Status.Code.PERMISSION_DENIED), 5).read(List.of()))
                .isInstanceOf(IOException.class)
                .hasMessage("Firestore read of 0 document(s) failed (PERMISSION_DENIED)");
        assertThat(calls.get()).isEqualTo(1);
        assertThat(slept).isEmpty();
    }
}
