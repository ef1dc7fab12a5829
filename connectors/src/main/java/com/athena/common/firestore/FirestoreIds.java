package com.athena.common.firestore;

import java.nio.charset.StandardCharsets;

/**
 * Rules for Firestore document ids: what Firestore rejects, and the one rewrite we apply.
 *
 * <p>Firestore ids may not contain {@code /} (it separates path segments), may not be {@code .} or
 * {@code ..}, may not match {@code __.*__} (reserved) and may be at most 1500 bytes of UTF-8.
 * Symbols such as {@code BTC/USD} contain a slash, so {@link #sanitize} replaces each {@code /}
 * with {@code _} ({@code BTC/USD} becomes {@code BTC_USD}). Two symbols that differ only in {@code
 * /} versus {@code _} would share a document; no real symbol set has such a pair.
 */
public final class FirestoreIds {

    /** Firestore's limit on a document id, in bytes of UTF-8. */
    public static final int MAX_ID_BYTES = 1500;

    private FirestoreIds() {}

    /** Replaces every {@code /} with {@code _}, then {@link #validate validates} the result. */
    public static String sanitize(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("A Firestore document id cannot be null");
        }
        return validate(raw.replace('/', '_'));
    }

    /** Returns the id unchanged if Firestore accepts it, else throws IllegalArgumentException. */
    public static String validate(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("A Firestore document id cannot be empty");
        }
        if (id.equals(".") || id.equals("..")) {
            throw new IllegalArgumentException("A Firestore document id cannot be '" + id + "'");
        }
        if (id.indexOf('/') >= 0) {
            throw new IllegalArgumentException(
                    "A Firestore document id cannot contain '/': '" + id + "'");
        }
        if (id.length() >= 4 && id.startsWith("__") && id.endsWith("__")) {
            throw new IllegalArgumentException(
                    "Firestore reserves document ids of the form __...__: '" + id + "'");
        }
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_ID_BYTES) {
            throw new IllegalArgumentException(
                    "A Firestore document id is at most "
                            + MAX_ID_BYTES
                            + " bytes; this one has "
                            + bytes);
        }
        return id;
    }
}
