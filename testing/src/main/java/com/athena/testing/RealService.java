package com.athena.testing;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.config.ServiceKeys;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/** The real services the integration tests run against, with where to find each. */
public enum RealService {
    POSTGRES("PostgreSQL 15", "postgres", ServiceKeys.POSTGRES_JDBC_URL),
    TIMESCALEDB("TimescaleDB", "timescaledb", ServiceKeys.TIMESCALEDB_JDBC_URL),
    KAFKA("Kafka", "kafka", ServiceKeys.KAFKA_BOOTSTRAP_SERVERS),
    PUBSUB("the Pub/Sub emulator", "pubsub", ServiceKeys.PUBSUB_EMULATOR_HOST),
    FIRESTORE("the Firestore emulator", "firestore", ServiceKeys.FIRESTORE_EMULATOR_HOST);

    private static final int CONNECT_TIMEOUT_MS = 2_000;

    private final String displayName;
    private final String launcherName;
    private final String addressKey;

    RealService(String displayName, String launcherName, String addressKey) {
        this.displayName = displayName;
        this.launcherName = launcherName;
        this.addressKey = addressKey;
    }

    /**
     * Checks that the service accepts connections; returns {@code null} when it does, else the
     * message that says which service is missing and how to start it.
     */
    String problem(ServiceEnvironment env) {
        String howToStart =
                "Start it with `bin/services up "
                        + launcherName
                        + "` (or `bin/services up` for all; logs in target/services/"
                        + launcherName
                        + "/).";
        String address = env.get(addressKey).orElse(null);
        if (address == null) {
            return displayName
                    + " is not configured: "
                    + addressKey
                    + " is neither in the environment nor in target/services.env. "
                    + howToStart;
        }
        InetSocketAddress socketAddress = socketAddress(address);
        try (Socket socket = new Socket()) {
            socket.connect(socketAddress, CONNECT_TIMEOUT_MS);
            return null;
        } catch (IOException e) {
            return displayName
                    + " is not reachable at "
                    + socketAddress.getHostString()
                    + ":"
                    + socketAddress.getPort()
                    + " ("
                    + addressKey
                    + "="
                    + address
                    + "): "
                    + e.getMessage()
                    + ". "
                    + howToStart;
        }
    }

    static InetSocketAddress socketAddress(String address) {
        String hostPort = address;
        if (address.startsWith("jdbc:")) {
            URI uri = URI.create(address.substring("jdbc:".length()));
            return new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
        }
        // A bootstrap list: checking the first broker is enough for a single-node setup.
        hostPort = hostPort.split(",")[0].trim();
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(
                hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
