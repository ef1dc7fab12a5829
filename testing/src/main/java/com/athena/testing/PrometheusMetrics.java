package com.athena.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus endpoints of a cluster's processes on this host ({@code bin/cluster}: the
 * JobManager on 9249, TaskManager N on 9249 + N). A process that is down reads as empty.
 */
public final class PrometheusMetrics {
    private final List<Integer> ports;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** The endpoints to read, by port. */
    public PrometheusMetrics(List<Integer> ports) {
        this.ports = List.copyOf(ports);
    }

    /**
     * The exposition of the endpoint on the port; empty if it is down or answers other than 200.
     */
    public String scrape(int port) throws InterruptedException {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * A counter of the job's operators ({@code flink_taskmanager_job_task_operator_<name>}), summed
     * over the endpoints. A TaskManager that is down has no counters.
     */
    public long operatorCounter(String job, String name) throws InterruptedException {
        Pattern line =
                Pattern.compile(
                        "^flink_taskmanager_job_task_operator_" + name + "\\{([^}]*)\\} (\\S+)$",
                        Pattern.MULTILINE);
        long sum = 0;
        for (int port : ports) {
            Matcher m = line.matcher(scrape(port));
            while (m.find()) {
                if (m.group(1).contains("job_id=\"" + job + "\"")) {
                    sum += (long) Double.parseDouble(m.group(2));
                }
            }
        }
        return sum;
    }
}
