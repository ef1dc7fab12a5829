package com.athena.common.bigquery;

import com.athena.common.config.ServiceEnvironment;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteSettings;
import io.grpc.ManagedChannelBuilder;

import java.io.IOException;
import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * A BigQuery dataset as the Storage Write API reaches it: in GCP (Google's endpoint, application
 * default credentials), or behind a local gRPC endpoint in plaintext without credentials (the
 * tests' {@code LocalBigQueryWriteServer}).
 *
 * <p>Serializable so that a sink carries it to the task managers and opens its client there.
 */
public final class StorageWriteEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Optional {@code host:port} of a local Storage Write API (plaintext, no credentials), e.g.
     * {@code 127.0.0.1:9060}; unset means Google's endpoint with application default credentials.
     */
    public static final String WRITE_API_HOST_KEY = "BIGQUERY_WRITE_API_HOST";

    private final String projectId;
    private final String datasetId;
    private final String localTarget;

    private StorageWriteEndpoint(String projectId, String datasetId, String localTarget) {
        this.projectId = requireText(projectId, "projectId");
        this.datasetId = requireText(datasetId, "datasetId");
        this.localTarget = localTarget == null || localTarget.isBlank() ? null : localTarget;
    }

    /** The dataset in GCP, with application default credentials. */
    public static StorageWriteEndpoint google(String projectId, String datasetId) {
        return new StorageWriteEndpoint(projectId, datasetId, null);
    }

    /** The dataset behind a local plaintext endpoint {@code host:port}, without credentials. */
    public static StorageWriteEndpoint local(String projectId, String datasetId, String target) {
        return new StorageWriteEndpoint(projectId, datasetId, requireText(target, "target"));
    }

    /**
     * The project and dataset of the services env ({@link BigQueryEndpoint#PROJECT_ID_KEY}, {@link
     * BigQueryEndpoint#DATASET_KEY}), and {@link #WRITE_API_HOST_KEY} if set.
     */
    public static StorageWriteEndpoint from(ServiceEnvironment env) {
        return new StorageWriteEndpoint(
                env.get(BigQueryEndpoint.PROJECT_ID_KEY, BigQueryEndpoint.DEFAULT_PROJECT_ID),
                env.get(BigQueryEndpoint.DATASET_KEY, BigQueryEndpoint.DEFAULT_DATASET),
                env.get(WRITE_API_HOST_KEY).orElse(null));
    }

    public String projectId() {
        return projectId;
    }

    public String datasetId() {
        return datasetId;
    }

    public Optional<String> localTarget() {
        return Optional.ofNullable(localTarget);
    }

    /** The table's resource name, {@code projects/p/datasets/d/tables/t}. */
    public String tablePath(String table) {
        return "projects/" + projectId + "/datasets/" + datasetId + "/tables/" + table;
    }

    /** A new write client; the caller closes it. */
    public BigQueryWriteClient openClient() throws IOException {
        BigQueryWriteSettings.Builder settings = BigQueryWriteSettings.newBuilder();
        if (localTarget != null) {
            settings.setEndpoint(localTarget)
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .setTransportChannelProvider(
                            InstantiatingGrpcChannelProvider.newBuilder()
                                    .setEndpoint(localTarget)
                                    .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
                                    .build());
        }
        return BigQueryWriteClient.create(settings.build());
    }

    private static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StorageWriteEndpoint)) {
            return false;
        }
        StorageWriteEndpoint e = (StorageWriteEndpoint) o;
        return projectId.equals(e.projectId)
                && datasetId.equals(e.datasetId)
                && Objects.equals(localTarget, e.localTarget);
    }

    @Override
    public int hashCode() {
        return Objects.hash(projectId, datasetId, localTarget);
    }

    @Override
    public String toString() {
        return "StorageWriteEndpoint{"
                + projectId
                + '.'
                + datasetId
                + (localTarget == null ? "" : " at " + localTarget + " (plaintext)")
                + '}';
    }
}
