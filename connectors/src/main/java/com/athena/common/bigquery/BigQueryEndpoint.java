package com.athena.common.bigquery;

import com.athena.common.config.ServiceEnvironment;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.TableId;

import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * A BigQuery dataset: in GCP (application default credentials), or behind a local endpoint that
 * speaks BigQuery's REST protocol (no credentials).
 *
 * <p>Serializable so that a sink can carry it to the task managers and open its client there; the
 * client itself is not serializable.
 */
public final class BigQueryEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The GCP project that owns the dataset. */
    public static final String PROJECT_ID_KEY = "BIGQUERY_PROJECT_ID";

    /** The dataset the tables live in. */
    public static final String DATASET_KEY = "BIGQUERY_DATASET";

    /**
     * Optional root URL of the REST API, e.g. {@code http://127.0.0.1:9050}; unset means {@code
     * https://bigquery.googleapis.com} with application default credentials.
     */
    public static final String API_HOST_KEY = "BIGQUERY_API_HOST";

    public static final String DEFAULT_PROJECT_ID = "athena-local";
    public static final String DEFAULT_DATASET = "athena_agent";

    private final String projectId;
    private final String datasetId;
    private final String apiHost;

    /** 0 means the client library's default retry settings. */
    private final int clientMaxAttempts;

    public BigQueryEndpoint(String projectId, String datasetId, String apiHost) {
        this(projectId, datasetId, apiHost, 0);
    }

    private BigQueryEndpoint(
            String projectId, String datasetId, String apiHost, int clientMaxAttempts) {
        this.projectId = requireText(projectId, "projectId");
        this.datasetId = requireText(datasetId, "datasetId");
        this.apiHost = apiHost == null || apiHost.isBlank() ? null : apiHost;
        if (clientMaxAttempts < 0) {
            throw new IllegalArgumentException("clientMaxAttempts must not be negative");
        }
        this.clientMaxAttempts = clientMaxAttempts;
    }

    /** The project, dataset and (optional) API host named by the services env. */
    public static BigQueryEndpoint from(ServiceEnvironment env) {
        return new BigQueryEndpoint(
                env.get(PROJECT_ID_KEY, DEFAULT_PROJECT_ID),
                env.get(DATASET_KEY, DEFAULT_DATASET),
                env.get(API_HOST_KEY).orElse(null));
    }

    /**
     * The same endpoint with the client's own retries of failed requests (HTTP 5xx, rate limits)
     * capped at {@code maxAttempts} (1 = no client retry).
     *
     * <p>The client retries {@code insertAll} itself only when every row carries an insert id, with
     * delays of 1 s, 2 s, 4 s... Tests cap it so that the sink's own retries are what they observe.
     */
    public BigQueryEndpoint withClientMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        return new BigQueryEndpoint(projectId, datasetId, apiHost, maxAttempts);
    }

    public String projectId() {
        return projectId;
    }

    public String datasetId() {
        return datasetId;
    }

    public Optional<String> apiHost() {
        return Optional.ofNullable(apiHost);
    }

    /** The id of a table of this dataset. */
    public TableId table(String table) {
        return TableId.of(projectId, datasetId, table);
    }

    /** A new client. It holds no connection that needs closing. */
    public BigQuery open() {
        BigQueryOptions.Builder builder = BigQueryOptions.newBuilder().setProjectId(projectId);
        if (apiHost != null) {
            // A local endpoint has no OAuth server to refresh tokens against.
            builder.setHost(apiHost).setCredentials(NoCredentials.getInstance());
        }
        if (clientMaxAttempts > 0) {
            RetrySettings defaults = BigQueryOptions.getDefaultRetrySettings();
            builder.setRetrySettings(
                    defaults.toBuilder().setMaxAttempts(clientMaxAttempts).build());
        }
        return builder.build().getService();
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
        if (!(o instanceof BigQueryEndpoint)) {
            return false;
        }
        BigQueryEndpoint e = (BigQueryEndpoint) o;
        return projectId.equals(e.projectId)
                && datasetId.equals(e.datasetId)
                && Objects.equals(apiHost, e.apiHost)
                && clientMaxAttempts == e.clientMaxAttempts;
    }

    @Override
    public int hashCode() {
        return Objects.hash(projectId, datasetId, apiHost, clientMaxAttempts);
    }

    @Override
    public String toString() {
        return "BigQueryEndpoint{"
                + projectId
                + '.'
                + datasetId
                + (apiHost == null ? "" : " at " + apiHost)
                + '}';
    }
}
