package com.athena.testing;

import com.athena.common.bigquery.BigQueryEndpoint;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A local endpoint that speaks BigQuery's REST protocol for {@code tabledata.insertAll}, so that
 * tests run the official client over real HTTP and see what it sends; not BigQuery itself.
 *
 * <p>What it does like BigQuery: the request path {@code POST
 * /bigquery/v2/projects/{p}/datasets/{d}/tables/{t}/insertAll}, gzip request bodies, the {@code
 * TableDataInsertAllResponse} and Google JSON error bodies, de-duplication by {@code insertId}
 * (exact and forever here, best effort for about a minute in BigQuery), and, for tables declared
 * with {@link #defineTable}, {@code invalid} for unknown columns with the other rows of the request
 * {@code stopped} (unless {@code skipInvalidRows}), and 404 for undeclared tables. It also records
 * {@code datasets.insert} ({@code POST .../projects/{p}/datasets}) and {@code tables.insert}
 * ({@code POST .../datasets/{d}/tables}: schema, time partitioning, clustering, view query) and
 * answers them as BigQuery does: 409 {@code duplicate} for a dataset or table that exists, 404
 * {@code notFound} for a table in a dataset that does not; {@code tables.get} answers the resource
 * or 404. What it does not do: types, required columns, quotas, partitions, queries.
 *
 * <p>Failures can be injected for the next requests: an HTTP error status ({@link
 * #failNextRequests}), or per-row {@code insertErrors} ({@link #failNextRequestsWithRowErrors}).
 */
public final class LocalBigQueryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalBigQueryServer.class);

    private static final Pattern INSERT_ALL =
            Pattern.compile(
                    "^/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)/insertAll$");

    private static final Pattern DATASETS =
            Pattern.compile("^/bigquery/v2/projects/([^/]+)/datasets/?$");
    private static final Pattern TABLES =
            Pattern.compile("^/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables/?$");
    private static final Pattern TABLE =
            Pattern.compile("^/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)$");

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private final HttpServer http;
    private final ExecutorService executor;

    // Guarded by "this".
    private final Map<String, LinkedHashMap<String, Map<String, Object>>> tables = new HashMap<>();
    private final Map<String, Integer> arrivals = new HashMap<>();
    private final Map<String, Set<String>> schemas = new HashMap<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final Deque<Failure> failures = new ArrayDeque<>();
    private int anonymousRows;

    /** Datasets created through {@code datasets.insert}: {@code project:dataset}. */
    private final Set<String> datasets = new LinkedHashSet<>();

    /** Tables and views created through {@code tables.insert}: {@code project:dataset.table}. */
    private final Map<String, JsonNode> createdTables = new LinkedHashMap<>();

    private LocalBigQueryServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /** Starts a server on 127.0.0.1 with an ephemeral port. */
    public static LocalBigQueryServer start() throws IOException {
        HttpServer http =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        LocalBigQueryServer server = new LocalBigQueryServer(http, executor);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        http.start();
        LOG.info("Local BigQuery endpoint listening on {}", server.baseUrl());
        return server;
    }

    /** The root URL to give the client as its host, e.g. {@code http://127.0.0.1:40123}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** An endpoint for this server's {@code project.dataset}, without credentials. */
    public BigQueryEndpoint endpoint(String projectId, String datasetId) {
        return new BigQueryEndpoint(projectId, datasetId, baseUrl());
    }

    /**
     * Declares a table's columns: rows with other fields are then rejected as {@code invalid}, and
     * once any table is declared, requests for undeclared tables fail with 404.
     */
    public synchronized void defineTable(String table, Collection<String> columns) {
        schemas.put(table, new LinkedHashSet<>(columns));
    }

    /** The next {@code count} requests fail with {@code httpStatus} and a Google error body. */
    public synchronized void failNextRequests(int count, int httpStatus) {
        for (int i = 0; i < count; i++) {
            failures.add(new Failure(httpStatus, null, null, true));
        }
    }

    /**
     * The next {@code count} insertAll requests answer 200 with every row in {@code insertErrors}
     * with {@code reason}; nothing is stored.
     */
    public synchronized void failNextRequestsWithRowErrors(int count, String reason) {
        failNextRequestsWithRowErrors(count, reason, id -> true, true);
    }

    /**
     * The next {@code count} insertAll requests that carry a row whose insert id matches fail those
     * rows with {@code reason}. The other rows of the request are {@code stopped} (not stored) if
     * {@code stopOthers}, as BigQuery does when any row fails and {@code skipInvalidRows} is off;
     * otherwise they are stored. Requests without a matching row pass and do not count.
     */
    public synchronized void failNextRequestsWithRowErrors(
            int count, String reason, Predicate<String> insertIds, boolean stopOthers) {
        for (int i = 0; i < count; i++) {
            failures.add(new Failure(0, reason, insertIds, stopOthers));
        }
    }

    /** The distinct rows of a table (first arrival of each insert id), in arrival order. */
    public synchronized List<Map<String, Object>> rows(String table) {
        LinkedHashMap<String, Map<String, Object>> rows = tables.get(table);
        return rows == null ? List.of() : List.copyOf(rows.values());
    }

    /** The distinct rows of a table by insert id. */
    public synchronized Map<String, Map<String, Object>> rowsById(String table) {
        LinkedHashMap<String, Map<String, Object>> rows = tables.get(table);
        return rows == null ? Map.of() : new LinkedHashMap<>(rows);
    }

    /** Every row of a table that was accepted, duplicates included. */
    public synchronized int arrivals(String table) {
        return arrivals.getOrDefault(table, 0);
    }

    /** The datasets created, as {@code project:dataset}. */
    public synchronized Set<String> datasets() {
        return new LinkedHashSet<>(datasets);
    }

    /**
     * The tables and views created, by {@code project:dataset.table}: the resource as the client
     * sent it ({@code schema}, {@code timePartitioning}, {@code clustering}, {@code view}).
     */
    public synchronized Map<String, JsonNode> createdTables() {
        return new LinkedHashMap<>(createdTables);
    }

    /** The HTTP requests received, failed ones included. */
    public synchronized int requestCount() {
        return requests.size();
    }

    /** The HTTP requests received, in order, with decoded bodies. */
    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Forgets rows, requests and pending failures; keeps declared tables. */
    public synchronized void reset() {
        tables.clear();
        arrivals.clear();
        requests.clear();
        failures.clear();
        anonymousRows = 0;
        datasets.clear();
        createdTables.clear();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            boolean gzip = encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip");
            String body = new String(gzip ? gunzip(raw) : raw, StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            RecordedRequest request =
                    new RecordedRequest(
                            exchange.getRequestMethod(),
                            exchange.getRequestURI().toString(),
                            headers,
                            body,
                            raw.length);
            LOG.debug(
                    "{} {} ({} bytes{})",
                    request.method,
                    request.uri,
                    raw.length,
                    gzip ? ", gzip" : "");
            Response response = respond(request, exchange.getRequestURI().getPath());
            byte[] out = response.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(response.status, out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        } catch (RuntimeException | IOException e) {
            LOG.error("Local BigQuery endpoint failed on {}", exchange.getRequestURI(), e);
            throw e;
        }
    }

    private synchronized Response respond(RecordedRequest request, String path) throws IOException {
        requests.add(request);
        Matcher datasetsPath = DATASETS.matcher(path);
        if (datasetsPath.matches() && request.method.equals("POST")) {
            return insertDataset(datasetsPath.group(1), request);
        }
        Matcher tablesPath = TABLES.matcher(path);
        if (tablesPath.matches() && request.method.equals("POST")) {
            return insertTable(tablesPath.group(1), tablesPath.group(2), request);
        }
        Matcher tablePath = TABLE.matcher(path);
        if (tablePath.matches() && request.method.equals("GET")) {
            String id = tablePath.group(1) + ":" + tablePath.group(2) + "." + tablePath.group(3);
            JsonNode table = createdTables.get(id);
            return table == null
                    ? error(404, "Not found: Table " + id)
                    : new Response(200, JSON.writeValueAsString(table));
        }
        Matcher m = INSERT_ALL.matcher(path);
        if (!m.matches() || !request.method.equals("POST")) {
            return error(404, "Not found: " + request.method + " " + path);
        }
        String project = m.group(1);
        String dataset = m.group(2);
        String table = m.group(3);
        Failure failure = failures.peek();
        if (failure != null && failure.httpStatus != 0) {
            failures.poll();
            return error(failure.httpStatus, "Injected failure of " + table);
        }
        if (!schemas.isEmpty() && !schemas.containsKey(table)) {
            return error(404, "Not found: Table " + project + ":" + dataset + "." + table);
        }
        JsonNode body = JSON.readTree(request.body);
        JsonNode rows = body.path("rows");
        if (!rows.isArray()) {
            return error(400, "No rows present in the request.");
        }
        boolean skipInvalid = body.path("skipInvalidRows").asBoolean(false);
        boolean ignoreUnknown = body.path("ignoreUnknownValues").asBoolean(false);

        // Index of row -> its error (reason, message, location), before anything is stored.
        Map<Integer, String[]> rowErrors = new TreeMap<>();
        List<Map<String, Object>> parsed = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String id = row.hasNonNull("insertId") ? row.get("insertId").asText() : null;
            @SuppressWarnings("unchecked")
            Map<String, Object> json = JSON.convertValue(row.path("json"), LinkedHashMap.class);
            ids.add(id);
            parsed.add(json == null ? new LinkedHashMap<>() : json);
            Set<String> columns = schemas.get(table);
            if (columns != null) {
                Iterator<String> fields = parsed.get(i).keySet().iterator();
                while (fields.hasNext()) {
                    String field = fields.next();
                    if (!columns.contains(field)) {
                        if (ignoreUnknown) {
                            fields.remove();
                        } else {
                            rowErrors.put(
                                    i,
                                    new String[] {
                                        "invalid", "no such field: " + field + ".", field
                                    });
                            break;
                        }
                    }
                }
            }
        }
        boolean injected = false;
        if (failure != null) {
            for (int i = 0; i < ids.size(); i++) {
                if (ids.get(i) != null && failure.insertIds.test(ids.get(i))) {
                    rowErrors.putIfAbsent(
                            i, new String[] {failure.reason, "Injected " + failure.reason, ""});
                    injected = true;
                }
            }
            if (injected) {
                failures.poll();
            }
        }
        boolean schemaError = rowErrors.values().stream().anyMatch(e -> e[0].equals("invalid"));
        // BigQuery inserts none of a request's rows if any fails, unless skipInvalidRows.
        boolean stopOthers = !skipInvalid && (schemaError || (injected && failure.stopOthers));
        if (stopOthers) {
            for (int i = 0; i < ids.size(); i++) {
                rowErrors.putIfAbsent(i, new String[] {"stopped", "", ""});
            }
        }
        for (int i = 0; i < ids.size(); i++) {
            if (!rowErrors.containsKey(i)) {
                store(table, ids.get(i), parsed.get(i));
            }
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("kind", "bigquery#tableDataInsertAllResponse");
        if (!rowErrors.isEmpty()) {
            ArrayNode insertErrors = response.putArray("insertErrors");
            rowErrors.forEach(
                    (index, e) -> {
                        ObjectNode entry = insertErrors.addObject();
                        entry.put("index", index);
                        ObjectNode err = entry.putArray("errors").addObject();
                        err.put("reason", e[0]);
                        err.put("location", e[2]);
                        err.put("debugInfo", "");
                        err.put("message", e[1]);
                    });
        }
        return new Response(200, JSON.writeValueAsString(response));
    }

    private Response insertDataset(String project, RecordedRequest request) throws IOException {
        ObjectNode body = (ObjectNode) JSON.readTree(request.body);
        String dataset = body.path("datasetReference").path("datasetId").asText("");
        if (dataset.isEmpty()) {
            return error(400, "Dataset reference is missing");
        }
        String id = project + ":" + dataset;
        if (!datasets.add(id)) {
            return error(409, "Already Exists: Dataset " + id);
        }
        body.put("kind", "bigquery#dataset");
        body.put("id", id);
        return new Response(200, JSON.writeValueAsString(body));
    }

    private Response insertTable(String project, String dataset, RecordedRequest request)
            throws IOException {
        if (!datasets.contains(project + ":" + dataset)) {
            return error(404, "Not found: Dataset " + project + ":" + dataset);
        }
        ObjectNode body = (ObjectNode) JSON.readTree(request.body);
        String table = body.path("tableReference").path("tableId").asText("");
        if (table.isEmpty()) {
            return error(400, "Table reference is missing");
        }
        String id = project + ":" + dataset + "." + table;
        if (createdTables.containsKey(id)) {
            return error(409, "Already Exists: Table " + id);
        }
        body.put("kind", "bigquery#table");
        body.put("id", id);
        body.put("type", body.has("view") ? "VIEW" : "TABLE");
        createdTables.put(id, body);
        return new Response(200, JSON.writeValueAsString(body));
    }

    private void store(String table, String insertId, Map<String, Object> row) {
        arrivals.merge(table, 1, Integer::sum);
        // Rows without an insert id are never de-duplicated, as in BigQuery.
        String key = insertId != null ? insertId : "\u0000anonymous-" + anonymousRows++;
        tables.computeIfAbsent(table, t -> new LinkedHashMap<>()).putIfAbsent(key, row);
    }

    private static Response error(int status, String message) {
        String reason;
        String grpcStatus;
        switch (status) {
            case 400:
                reason = "invalid";
                grpcStatus = "INVALID_ARGUMENT";
                break;
            case 403:
                reason = "accessDenied";
                grpcStatus = "PERMISSION_DENIED";
                break;
            case 404:
                reason = "notFound";
                grpcStatus = "NOT_FOUND";
                break;
            case 409:
                reason = "duplicate";
                grpcStatus = "ALREADY_EXISTS";
                break;
            case 429:
                reason = "rateLimitExceeded";
                grpcStatus = "RESOURCE_EXHAUSTED";
                break;
            case 503:
                reason = "backendError";
                grpcStatus = "UNAVAILABLE";
                break;
            default:
                reason = status >= 500 ? "backendError" : "invalid";
                grpcStatus = status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        }
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", status);
        error.put("message", message);
        ObjectNode detail = error.putArray("errors").addObject();
        detail.put("message", message);
        detail.put("domain", "global");
        detail.put("reason", reason);
        error.put("status", grpcStatus);
        return new Response(status, root.toString());
    }

    private static byte[] gunzip(byte[] raw) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        }
    }

    /** One HTTP request as it arrived; {@code body} is decompressed. */
    public static final class RecordedRequest {
        public final String method;
        public final String uri;
        public final Map<String, List<String>> headers;
        public final String body;
        public final int wireBytes;

        RecordedRequest(
                String method,
                String uri,
                Map<String, List<String>> headers,
                String body,
                int wireBytes) {
            this.method = method;
            this.uri = uri;
            this.headers = headers;
            this.body = body;
            this.wireBytes = wireBytes;
        }

        /** The first value of a header (name in any case), or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public String toString() {
            return method + " " + uri + " " + headers + " " + body;
        }
    }

    private static final class Failure {
        final int httpStatus;
        final String reason;
        final Predicate<String> insertIds;
        final boolean stopOthers;

        Failure(int httpStatus, String reason, Predicate<String> insertIds, boolean stopOthers) {
            this.httpStatus = httpStatus;
            this.reason = reason;
            this.insertIds = insertIds;
            this.stopOthers = stopOthers;
        }
    }

    private static final class Response {
        final int status;
        final String body;

        Response(int status, String body) {
            this.status = status;
            this.body = body;
        }
    }
}
