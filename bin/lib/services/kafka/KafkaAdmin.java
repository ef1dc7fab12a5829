import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Readiness check and provisioning for the local Kafka broker, used by bin/services (compiled once
 * against the broker classpath into target/services/kafka/tools).
 *
 * <pre>
 *   KafkaAdmin check BOOTSTRAP TIMEOUT_SECONDS
 *       real metadata calls (describeCluster, listTopics) until they answer or the time is up
 *   KafkaAdmin setup BOOTSTRAP TIMEOUT_SECONDS TOPIC:PARTITIONS...
 *       check, then create the topics if missing, then prove the transaction coordinator works
 *       (initTransactions + an empty aborted transaction; nothing is written to any topic)
 * </pre>
 * Exit 0 on success, 1 on failure (with the reason on stderr).
 */
public final class KafkaAdmin {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: KafkaAdmin check|setup BOOTSTRAP TIMEOUT_SECONDS [TOPIC:PARTITIONS...]");
            System.exit(2);
        }
        String mode = args[0];
        String bootstrap = args[1];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        try {
            Set<String> topics = awaitCluster(bootstrap, deadline);
            if (mode.equals("setup")) {
                List<NewTopic> wanted = new ArrayList<>();
                for (int i = 3; i < args.length; i++) {
                    String[] p = args[i].split(":");
                    wanted.add(new NewTopic(p[0], p.length > 1 ? Integer.parseInt(p[1]) : 1, (short) 1));
                }
                topics = createTopics(bootstrap, wanted, deadline);
                probeTransactions(bootstrap, deadline);
            } else if (!mode.equals("check")) {
                throw new IllegalArgumentException("unknown mode " + mode);
            }
            System.out.println("kafka ok at " + bootstrap + " (" + mode + "); topics: " + String.join(",", topics));
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            System.err.println("kafka not ready at " + bootstrap + ": " + cause);
            System.exit(1);
        }
    }

    private static long remainingMs(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static Admin admin(String bootstrap, long deadline) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1000, remainingMs(deadline)));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 5000));
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 200);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 200);
        return Admin.create(p);
    }

    /** Waits until the broker answers metadata calls and has an active controller. */
    private static Set<String> awaitCluster(String bootstrap, long deadline) throws Exception {
        Exception last = null;
        try (Admin admin = admin(bootstrap, deadline)) {
            while (System.nanoTime() < deadline) {
                try {
                    long wait = Math.min(5000, remainingMs(deadline));
                    DescribeClusterResult cluster = admin.describeCluster();
                    if (cluster.nodes().get(wait, TimeUnit.MILLISECONDS).isEmpty()
                            || cluster.controller().get(wait, TimeUnit.MILLISECONDS) == null) {
                        throw new IllegalStateException("no broker or controller yet");
                    }
                    return new TreeSet<>(admin.listTopics().names().get(wait, TimeUnit.MILLISECONDS));
                } catch (Exception e) {
                    last = e;
                    Thread.sleep(Math.min(500, remainingMs(deadline)));
                }
            }
        }
        throw last != null ? last : new IllegalStateException("timed out");
    }

    private static Set<String> createTopics(String bootstrap, Collection<NewTopic> wanted, long deadline)
            throws Exception {
        try (Admin admin = admin(bootstrap, deadline)) {
            Set<String> existing = admin.listTopics().names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic t : wanted) {
                if (!existing.contains(t.name())) {
                    missing.add(t);
                }
            }
            if (!missing.isEmpty()) {
                for (var entry : admin.createTopics(missing).values().entrySet()) {
                    try {
                        entry.getValue().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                        System.out.println("created topic " + entry.getKey());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                }
            }
            Set<String> names = admin.listTopics().names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            for (NewTopic t : wanted) {
                if (!names.contains(t.name())) {
                    throw new IllegalStateException("topic " + t.name() + " is missing after creation");
                }
            }
            return new TreeSet<>(names);
        }
    }

    /** Transactions need the transaction coordinator and its internal topic: prove they work. */
    private static void probeTransactions(String bootstrap, long deadline) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bin-services-readiness-probe");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, remainingMs(deadline)));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.abortTransaction();
            producer.close(Duration.ofSeconds(5));
        }
    }
}
