package com.athena.common.firestore;

import java.io.Serializable;
import java.util.Map;

/**
 * Maps a stream element to the Firestore document that holds its latest state.
 *
 * <p>The id must be deterministic (the same element always maps to the same document), so that a
 * replay after a failure rewrites the same documents instead of adding new ones. The sink adds the
 * fields {@value FirestoreSink#EVENT_TIME_FIELD} and {@value FirestoreSink#LAST_UPDATED_FIELD}
 * itself; values a mapper puts under those names are replaced.
 *
 * @param <T> the element type
 */
public interface FirestoreDocumentMapper<T> extends Serializable {

    /** The collection path, e.g. {@code agent_data_market_conditions}. */
    String collection(T element);

    /** The document id: deterministic, and valid as {@link FirestoreIds#validate} defines it. */
    String documentId(T element);

    /** The element's event time, epoch millis; the newer event time wins in Firestore. */
    long eventTime(T element);

    /**
     * The document's fields: a fresh map each call (the sink keeps it past the element's lifetime).
     * Values are what the Firestore client accepts: null, Boolean, Long/Integer, Double, String,
     * {@link com.google.cloud.Timestamp}, List and nested {@code Map<String, Object>}.
     */
    Map<String, Object> fields(T element);
}
