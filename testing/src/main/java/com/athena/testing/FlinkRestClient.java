package com.athena.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A client of a Flink cluster's REST API (the JobManager's; {@code bin/cluster} serves it at {@link
 * #LOCAL}): the jobs and their state, restarts, checkpoints, TaskManagers and job metrics. A
 * cluster that is down or answers other than 200 reads as null (or as "not yet"), so that the reads
 * can serve as {@link Waits#until} conditions while a cluster restarts.
 */
public final class FlinkRestClient {
    /** The REST endpoint of the local standalone cluster ({@code bin/cluster}). */
    public static final String LOCAL = "http://127.0.0.1:8081";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public FlinkRestClient(String base) {
        this.base = base;
    }

    /** The client of the local standalone cluster. */
    public static FlinkRestClient local() {
        return new FlinkRestClient(LOCAL);
    }

    /**
     * The answer to a GET of the path, or null if the cluster is down or answers other than 200.
     */
    public JsonNode get(String path) throws InterruptedException {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(URI.create(base + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The cluster's jobs and the status of each, by job id; empty if the cluster is down. */
    public Map<String, String> jobs() throws InterruptedException {
        Map<String, String> jobs = new LinkedHashMap<>();
        JsonNode list = get("/jobs");
        if (list != null) {
            for (JsonNode job : list.path("jobs")) {
                jobs.put(job.path("id").asText(), job.path("status").asText());
            }
        }
        return jobs;
    }

    /** The job's details ({@code /jobs/<id>}: state, vertices, timestamps), or null. */
    public JsonNode job(String job) throws InterruptedException {
        return get("/jobs/" + job);
    }

    /** The job's state (RUNNING, RESTARTING, ...), or null if the cluster does not answer. */
    public String state(String job) throws InterruptedException {
        JsonNode details = job(job);
        return details == null ? null : details.path("state").asText();
    }

    /** Every job RUNNING with every vertex RUNNING. */
    public boolean allRunning(Collection<String> jobs) throws InterruptedException {
        for (String job : jobs) {
            JsonNode details = job(job);
            if (details == null || !"RUNNING".equals(details.path("state").asText())) {
                return false;
            }
            for (JsonNode v : details.path("vertices")) {
                if (!"RUNNING".equals(v.path("status").asText())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Every job went through RESTARTING after {@code since} (epoch millis). */
    public boolean restartedSince(Collection<String> jobs, long since) throws InterruptedException {
        for (String job : jobs) {
            JsonNode details = job(job);
            if (details == null || details.path("timestamps").path("RESTARTING").asLong() < since) {
                return false;
            }
        }
        return true;
    }

    /** The resource ids of the TaskManagers running tasks of the job. */
    public Set<String> taskManagersOf(String job) throws InterruptedException {
        Set<String> ids = new TreeSet<>();
        for (JsonNode v : job(job).path("vertices")) {
            JsonNode tms =
                    get("/jobs/" + job + "/vertices/" + v.path("id").asText() + "/taskmanagers");
            for (JsonNode tm : tms.path("taskmanagers")) {
                ids.add(tm.path("taskmanager-id").asText());
            }
        }
        return ids;
    }

    /** The TaskManagers of the cluster ({@code /taskmanagers}), or null. */
    public JsonNode taskManagers() throws InterruptedException {
        return get("/taskmanagers");
    }

    /** The job's checkpoint statistics ({@code /jobs/<id>/checkpoints}), or null. */
    public JsonNode checkpoints(String job) throws InterruptedException {
        return get("/jobs/" + job + "/checkpoints");
    }

    /** The latest completed checkpoint triggered after {@code after} (epoch millis), or null. */
    public JsonNode completedCheckpointAfter(String job, long after) throws InterruptedException {
        JsonNode latest = checkpoints(job);
        if (latest == null) {
            return null;
        }
        JsonNode completed = latest.path("latest").path("completed");
        return completed.path("id").isNumber()
                        && completed.path("trigger_timestamp").asLong() > after
                ? completed
                : null;
    }

    /**
     * The checkpoint the job last restored from ({@code latest.restored}: a missing node if none).
     * The cluster must answer.
     */
    public JsonNode restoredCheckpoint(String job) throws InterruptedException {
        return checkpoints(job).path("latest").path("restored");
    }

    /** A job-level metric ({@code /jobs/<id>/metrics}), or -1 if the cluster does not report it. */
    public long jobMetric(String job, String name) throws InterruptedException {
        JsonNode metrics = get("/jobs/" + job + "/metrics?get=" + name);
        if (metrics != null) {
            for (JsonNode m : metrics) {
                if (name.equals(m.path("id").asText())) {
                    return m.path("value").asLong();
                }
            }
        }
        return -1;
    }

    /** How often the job restarted ({@code numRestarts}), or -1. */
    public long numRestarts(String job) throws InterruptedException {
        return jobMetric(job, "numRestarts");
    }
}
