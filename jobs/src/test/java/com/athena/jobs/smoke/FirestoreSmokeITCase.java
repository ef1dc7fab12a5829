package com.athena.jobs.smoke;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A document written with the official client is read back from the real Firestore emulator. */
@RequiresServices(RealService.FIRESTORE)
class FirestoreSmokeITCase {

    @Test
    void documentRoundTrip() throws Exception {
        FirestoreEndpoint endpoint = FirestoreEndpoint.from(ServiceEnvironment.load());
        assertThat(endpoint.emulatorHost()).isPresent();
        String agent = "smoke_agent_" + UUID.randomUUID().toString().substring(0, 8);
        try (Firestore firestore = endpoint.open()) {
            firestore
                    .collection("agent_data_treasury")
                    .document(agent)
                    .set(
                            Map.of(
                                    "agent_id",
                                    agent,
                                    "balance_usd",
                                    85.5,
                                    "emotional_state",
                                    "cautious",
                                    "survival_mode_active",
                                    false))
                    .get(30, TimeUnit.SECONDS);

            DocumentSnapshot read =
                    firestore
                            .collection("agent_data_treasury")
                            .document(agent)
                            .get()
                            .get(30, TimeUnit.SECONDS);
            assertThat(read.exists()).isTrue();
            assertThat(read.getString("agent_id")).isEqualTo(agent);
            assertThat(read.getDouble("balance_usd")).isEqualTo(85.5);
            assertThat(read.getString("emotional_state")).isEqualTo("cautious");
            assertThat(read.getBoolean("survival_mode_active")).isFalse();
        }
    }
}
