package com.athena.common.connectors;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.config.ServiceKeys;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;

import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/** A Firestore database, in GCP or in the local emulator. */
public final class FirestoreEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String projectId;
    private final String emulatorHost;

    public FirestoreEndpoint(String projectId, String emulatorHost) {
        this.projectId = Objects.requireNonNull(projectId, "projectId");
        this.emulatorHost = emulatorHost;
    }

    /** The project and (optional) emulator named by the services env. */
    public static FirestoreEndpoint from(ServiceEnvironment env) {
        return new FirestoreEndpoint(
                env.require(ServiceKeys.FIRESTORE_PROJECT_ID),
                env.get(ServiceKeys.FIRESTORE_EMULATOR_HOST).orElse(null));
    }

    public String projectId() {
        return projectId;
    }

    public Optional<String> emulatorHost() {
        return Optional.ofNullable(emulatorHost);
    }

    /** A new client; the caller closes it. */
    public Firestore open() {
        FirestoreOptions.Builder builder = FirestoreOptions.newBuilder().setProjectId(projectId);
        if (emulatorHost != null) {
            // Plaintext and fake credentials, the way the emulator expects them.
            builder.setEmulatorHost(emulatorHost);
        }
        return builder.build().getService();
    }
}
