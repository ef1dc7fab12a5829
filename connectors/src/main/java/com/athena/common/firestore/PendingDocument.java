package com.athena.common.firestore;

import java.util.Map;
import java.util.Objects;

/**
 * One document waiting to be written: where it goes, its event time and its fields (without the
 * sink's own {@value FirestoreSink#EVENT_TIME_FIELD} and {@value
 * FirestoreSink#LAST_UPDATED_FIELD}).
 */
public record PendingDocument(
        String collection, String documentId, long eventTime, Map<String, Object> fields) {

    public PendingDocument {
        Objects.requireNonNull(collection, "collection");
        FirestoreIds.validate(documentId);
        Objects.requireNonNull(fields, "fields");
    }

    /** The document's path relative to the database root: {@code collection/documentId}. */
    public String path() {
        return collection + "/" + documentId;
    }
}
