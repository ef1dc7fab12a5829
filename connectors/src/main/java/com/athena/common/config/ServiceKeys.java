package com.athena.common.config;

/** The keys of the services env file, shared by the launcher, the jobs and the tests. */
public final class ServiceKeys {
    public static final String POSTGRES_JDBC_URL = "POSTGRES_JDBC_URL";
    public static final String POSTGRES_USER = "POSTGRES_USER";
    public static final String POSTGRES_PASSWORD = "POSTGRES_PASSWORD";

    /** The driver's {@code sslmode} (e.g. {@code verify-full}), unless the URL sets one. */
    public static final String POSTGRES_SSLMODE = "POSTGRES_SSLMODE";

    /** The CA certificate (PEM file) that verifies the server, unless the URL sets one. */
    public static final String POSTGRES_SSLROOTCERT = "POSTGRES_SSLROOTCERT";

    public static final String TIMESCALEDB_JDBC_URL = "TIMESCALEDB_JDBC_URL";
    public static final String TIMESCALEDB_USER = "TIMESCALEDB_USER";
    public static final String TIMESCALEDB_PASSWORD = "TIMESCALEDB_PASSWORD";
    public static final String TIMESCALEDB_SSLMODE = "TIMESCALEDB_SSLMODE";
    public static final String TIMESCALEDB_SSLROOTCERT = "TIMESCALEDB_SSLROOTCERT";
    public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String PUBSUB_EMULATOR_HOST = "PUBSUB_EMULATOR_HOST";
    public static final String PUBSUB_PROJECT_ID = "PUBSUB_PROJECT_ID";
    public static final String FIRESTORE_EMULATOR_HOST = "FIRESTORE_EMULATOR_HOST";
    public static final String FIRESTORE_PROJECT_ID = "FIRESTORE_PROJECT_ID";

    private ServiceKeys() {}
}
