package com.athena.common.bigquery;

import org.apache.flink.api.connector.sink2.Committer;

import com.google.cloud.bigquery.storage.v1.BatchCommitWriteStreamsRequest;
import com.google.cloud.bigquery.storage.v1.BatchCommitWriteStreamsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.cloud.bigquery.storage.v1.StorageError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Phase two: when a checkpoint completes, commits its finalized streams with {@code
 * BatchCommitWriteStreams}, one call per table (atomic for the streams of that call). A stream
 * BigQuery reports as already committed counts as committed, so that committables restored from a
 * checkpoint whose commit had already happened do not fail and are not written twice.
 */
final class StorageWriteCommitter implements Committer<StorageWriteCommittable> {
    private static final Logger LOG = LoggerFactory.getLogger(StorageWriteCommitter.class);

    private final StorageWriteSink.Backoff backoff;
    private final BigQueryWriteClient client;

    StorageWriteCommitter(StorageWriteEndpoint endpoint, StorageWriteSink.Backoff backoff)
            throws IOException {
        this.backoff = backoff;
        this.client = endpoint.openClient();
    }

    @Override
    public void commit(Collection<CommitRequest<StorageWriteCommittable>> requests)
            throws IOException, InterruptedException {
        Map<String, List<CommitRequest<StorageWriteCommittable>>> byTable = new LinkedHashMap<>();
        for (CommitRequest<StorageWriteCommittable> r : requests) {
            byTable.computeIfAbsent(r.getCommittable().tablePath(), t -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<CommitRequest<StorageWriteCommittable>>> e :
                byTable.entrySet()) {
            commitTable(e.getKey(), new ArrayList<>(e.getValue()));
        }
    }

    private void commitTable(String table, List<CommitRequest<StorageWriteCommittable>> pending)
            throws InterruptedException {
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            BatchCommitWriteStreamsRequest.Builder request =
                    BatchCommitWriteStreamsRequest.newBuilder().setParent(table);
            for (CommitRequest<StorageWriteCommittable> r : pending) {
                request.addWriteStreams(r.getCommittable().streamName());
            }
            BatchCommitWriteStreamsResponse response;
            try {
                response = client.batchCommitWriteStreams(request.build());
            } catch (RuntimeException e) {
                if (StorageWriteErrors.classify(e) == StorageWriteErrors.Kind.RETRYABLE
                        && attempt < backoff.maxAttempts) {
                    long delay = backoff.delayMillis(attempt);
                    LOG.warn(
                            "BatchCommitWriteStreams on {} attempt {} failed ({}); retrying in {}"
                                    + " ms",
                            table,
                            attempt,
                            e.toString(),
                            delay);
                    Thread.sleep(delay);
                    continue;
                }
                if (StorageWriteErrors.classify(e) == StorageWriteErrors.Kind.RETRYABLE) {
                    // Flink keeps the committables and tries again at the next checkpoint.
                    LOG.warn("BatchCommitWriteStreams on {} still failing; retrying later", table);
                    pending.forEach(CommitRequest::retryLater);
                    return;
                }
                IOException failure =
                        new IOException("BatchCommitWriteStreams on " + table + " failed: " + e, e);
                pending.forEach(r -> r.signalFailedWithUnknownReason(failure));
                return;
            }
            if (response.hasCommitTime()) {
                LOG.debug("Committed {} streams to {}", pending.size(), table);
                return;
            }
            // Nothing was committed: drop the streams already committed, fail on the others.
            Map<String, StorageError> errors = new LinkedHashMap<>();
            for (StorageError error : response.getStreamErrorsList()) {
                errors.put(error.getEntity(), error);
            }
            List<CommitRequest<StorageWriteCommittable>> rest = new ArrayList<>();
            for (CommitRequest<StorageWriteCommittable> r : pending) {
                StorageError error = errors.get(r.getCommittable().streamName());
                if (error == null) {
                    rest.add(r);
                } else if (error.getCode()
                        == StorageError.StorageErrorCode.STREAM_ALREADY_COMMITTED) {
                    LOG.info("Stream {} was committed before: not again", r.getCommittable());
                    r.signalAlreadyCommitted();
                } else {
                    // A finalized stream of a completed checkpoint that cannot be committed (it
                    // expired, or was garbage-collected): its rows would be lost. Fail the job.
                    r.signalFailedWithUnknownReason(
                            new IOException(
                                    "Cannot commit "
                                            + r.getCommittable()
                                            + " to "
                                            + table
                                            + ": "
                                            + error.getCode()
                                            + " "
                                            + error.getErrorMessage()));
                }
            }
            if (rest.size() == pending.size()) {
                IOException failure =
                        new IOException(
                                "BatchCommitWriteStreams on "
                                        + table
                                        + " committed nothing and reported no stream: "
                                        + response);
                rest.forEach(r -> r.signalFailedWithUnknownReason(failure));
                return;
            }
            pending = rest;
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        client.awaitTermination(10, TimeUnit.SECONDS);
    }
}
