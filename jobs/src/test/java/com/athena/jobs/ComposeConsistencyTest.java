package com.athena.jobs;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceKeys;
import com.athena.jobs.deploy.DeployFiles;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks what would make it fail to
 * start or disagree with the local launcher (bin/services) and the image: the configuration the
 * containers get advertises no loopback address, every volume is writable by the user its service
 * runs as (the volumes-init service chowns them), ports and env keys are bin/services', every
 * service has a healthcheck, every job is submitted with BigQuery off, and Prometheus scrapes the
 * reporters with the project's rules. ComposeSchemaTest checks the file's shape.
 */
class ComposeConsistencyTest {
    private static final Pattern LOOPBACK =
            Pattern.compile("(?i)\\blocalhost\\b|\\b127\\.\\d+\\.\\d+\\.\\d+\\b|\\[?::1\\]?(:|$)");

    /**
     * The user each image runs its process as (uid:gid); null: starts as root and chowns itself.
     */
    private static final Map<String, String> IMAGE_USERS =
            Map.of(
                    // flink-docker: useradd --uid 9999 flink; its entrypoint drops to it (gosu)
                    "athena/flink-jobs", "9999:9999",
                    // apache/kafka: USER appuser (the first user of its Alpine base)
                    "apache/kafka", "1000:1000",
                    // prom/prometheus: USER nobody
                    "prom/prometheus", "65534:65534");

    /** bin/services' port variable of each compose service that publishes a port. */
    private static final Map<String, String> LAUNCHER_PORTS =
            Map.of(
                    "postgres", "PG_PORT",
                    "kafka", "KAFKA_PORT",
                    "pubsub", "PUBSUB_PORT",
                    "firestore", "FIRESTORE_PORT");

    /** Keys bin/services writes for its own TLS tests only: the jobs do not read them. */
    private static final Set<String> LAUNCHER_ONLY_KEYS =
            Set.of("KAFKA_SSL_BOOTSTRAP_SERVERS", "TLS_CA_FILE");

    private static final List<String> FLINK_SERVICES =
            List.of("jobmanager", "taskmanager", "client", "sql-client");

    private static JsonNode services() throws Exception {
        return DeployFiles.compose().get("services");
    }

    private static Properties composeEnv() throws Exception {
        Properties env = new Properties();
        try (Reader r = Files.newBufferedReader(DeployFiles.path("flink-conf/compose.env"))) {
            env.load(r);
        }
        return env;
    }

    private static Map<String, String> env(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service.get("environment");
        if (e != null) {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
        }
        return env;
    }

    /**
     * The Flink configuration a container of SERVICE runs with: the image's, then FLINK_PROPERTIES.
     */
    private static Map<String, String> containerFlinkConfig(JsonNode service) throws Exception {
        Map<String, String> conf =
                DeployFiles.flinkConfig(DeployFiles.yaml("flink-conf/config.yaml"));
        String props = env(service).get("FLINK_PROPERTIES");
        if (props != null) {
            conf.putAll(DeployFiles.flinkProperties(props));
        }
        return conf;
    }

    /** The port defaults bin/services declares: `ports = VAR=N ...` of bin/lib/services/*.conf. */
    private static Map<String, String> launcherPorts() throws Exception {
        Map<String, String> ports = new HashMap<>();
        Pattern declaration = Pattern.compile("(?m)^ports\\s*=(.*)$");
        Pattern port = Pattern.compile("([A-Z_]+_PORT)=(\\d+)");
        try (Stream<Path> confs = Files.list(DeployFiles.path("bin/lib/services"))) {
            for (Path conf : confs.filter(p -> p.toString().endsWith(".conf")).toList()) {
                Matcher d = declaration.matcher(Files.readString(conf));
                while (d.find()) {
                    Matcher m = port.matcher(d.group(1));
                    while (m.find()) {
                        ports.put(m.group(1), m.group(2));
                    }
                }
            }
        }
        return ports;
    }

    /** The keys bin/services writes into its env file (KEY=value lines of its here-documents). */
    private static Set<String> launcherEnvKeys() throws Exception {
        Set<String> keys = new TreeSet<>();
        boolean inHereDoc = false;
        String end = null;
        Pattern start = Pattern.compile("<<-?\\s*['\"]?([A-Z]+)['\"]?");
        for (String line : DeployFiles.read("bin/services").split("\n")) {
            if (inHereDoc) {
                if (line.strip().equals(end)) {
                    inHereDoc = false;
                    continue;
                }
                Matcher kv = Pattern.compile("^([A-Z][A-Z0-9_]*)=").matcher(line);
                if (kv.find()) {
                    keys.add(kv.group(1));
                }
            } else {
                Matcher s = start.matcher(line);
                if (s.find()) {
                    inHereDoc = true;
                    end = s.group(1);
                }
            }
        }
        return keys;
    }

    private static Set<String> serviceKeys() throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Field f : ServiceKeys.class.getFields()) {
            keys.add((String) f.get(null));
        }
        return keys;
    }

    @Test
    void servicesPublishTheLaunchersPorts() throws Exception {
        JsonNode services = services();
        Map<String, String> defaults = launcherPorts();
        Map<String, String> containerPorts =
                Map.of(
                        "postgres", "5432",
                        "kafka", "9092",
                        "pubsub", "8085",
                        "firestore", "8086");
        LAUNCHER_PORTS.forEach(
                (service, variable) -> {
                    assertThat(defaults)
                            .as("bin/lib/services declares ports = %s=N", variable)
                            .containsKey(variable);
                    List<String> ports = new ArrayList<>();
                    services.get(service).get("ports").forEach(p -> ports.add(p.asText()));
                    assertThat(ports)
                            .as("%s publishes bin/services' %s", service, variable)
                            .contains(defaults.get(variable) + ":" + containerPorts.get(service));
                });
        // The JobManager's REST port is bin/cluster's, and the reporter port config.yaml's.
        assertThat(services.get("jobmanager").get("ports").toString())
                .contains("\"8081:8081\"")
                .contains("\"9249:9249\"");
    }

    @Test
    void composeEnvHasEveryServiceKeyButTheSecrets() throws Exception {
        Set<String> expected = new TreeSet<>(serviceKeys());
        expected.removeIf(k -> k.endsWith("_PASSWORD"));
        assertThat(composeEnv().stringPropertyNames())
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everyKeyTheLauncherWritesReachesTheContainers() throws Exception {
        Set<String> written = launcherEnvKeys();
        assertThat(written).as("keys parsed from bin/services' env file").isNotEmpty();
        Set<String> known = serviceKeys();
        for (String key : written) {
            assertThat(known.contains(key) || LAUNCHER_ONLY_KEYS.contains(key))
                    .as(
                            "bin/services writes %s: add it to ServiceKeys and compose.env, or to"
                                    + " LAUNCHER_ONLY_KEYS if the jobs never read it",
                            key)
                    .isTrue();
        }
        Set<String> forContainers = new TreeSet<>(composeEnv().stringPropertyNames());
        JsonNode services = services();
        for (String service : List.of("jobmanager", "taskmanager", "client", "setup")) {
            Set<String> got = new TreeSet<>(forContainers);
            got.addAll(env(services.get(service)).keySet());
            for (String key : written) {
                if (!LAUNCHER_ONLY_KEYS.contains(key)) {
                    assertThat(got).as("%s gets %s", service, key).contains(key);
                }
            }
            assertThat(env(services.get(service)))
                    .as(service)
                    .containsEntry("ATHENA_SERVICES_ENV", "/opt/athena/compose.env");
            assertThat(services.get(service).get("volumes").toString())
                    .as(service)
                    .contains("./flink-conf/compose.env:/opt/athena/compose.env:ro");
        }
    }

    @Test
    void composeEnvAddressesNameServicesAndTheirPorts() throws Exception {
        JsonNode services = services();
        Map<String, String> listening =
                Map.of(
                        "postgres", "5432",
                        // KAFKA_LISTENERS' INTERNAL listener
                        "kafka", "29092",
                        "pubsub", "8085",
                        "firestore", "8086");
        Properties env = composeEnv();
        Pattern hostPort = Pattern.compile("(?://|^)([a-z][a-z0-9-]*):(\\d+)");
        for (String key : env.stringPropertyNames()) {
            Matcher m = hostPort.matcher(env.getProperty(key));
            if (!m.find()) {
                continue;
            }
            String host = m.group(1);
            assertThat(services.has(host))
                    .as("%s names the compose service %s", key, host)
                    .isTrue();
            assertThat(m.group(2)).as(key).isEqualTo(listening.get(host));
        }
        assertThat(env(services.get("kafka")).get("KAFKA_LISTENERS"))
                .contains("INTERNAL://0.0.0.0:29092");
        assertThat(env(services.get("kafka")).get("KAFKA_ADVERTISED_LISTENERS"))
                .contains("INTERNAL://kafka:29092");
    }

    @Test
    void theConfigurationTheContainersGetAdvertisesNoLoopbackAddress() throws Exception {
        // flink-conf/config.yaml is the image's configuration: no loopback at all.
        String configYaml = DeployFiles.read("flink-conf/config.yaml");
        for (String line : configYaml.split("\n")) {
            if (!line.strip().startsWith("#")) {
                assertThat(LOOPBACK.matcher(line).find())
                        .as("flink-conf/config.yaml: %s", line)
                        .isFalse();
            }
        }
        JsonNode services = services();
        for (String name : FLINK_SERVICES) {
            Map<String, String> conf = containerFlinkConfig(services.get(name));
            conf.forEach(
                    (k, v) ->
                            assertThat(LOOPBACK.matcher(v).find())
                                    .as("%s gets %s: %s", name, k, v)
                                    .isFalse());
            // TaskManagers advertise the address they reach the JobManager from.
            assertThat(conf).as(name).doesNotContainKey("taskmanager.host");
            assertThat(conf).as(name).containsEntry("jobmanager.rpc.address", "jobmanager");
            assertThat(services.has(conf.get("jobmanager.rpc.address"))).isTrue();
        }
        composeEnv()
                .forEach(
                        (k, v) ->
                                assertThat(LOOPBACK.matcher((String) v).find())
                                        .as("compose.env %s=%s", k, v)
                                        .isFalse());
        // Every environment value of every container; the one exception is Kafka's listener for
        // clients on the Docker host (its published port).
        Iterator<Map.Entry<String, JsonNode>> it = services.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> s = it.next();
            env(s.getValue())
                    .forEach(
                            (k, v) -> {
                                String value =
                                        k.equals("KAFKA_ADVERTISED_LISTENERS")
                                                ? v.replace("EXTERNAL://localhost:9092", "")
                                                : v;
                                assertThat(LOOPBACK.matcher(value).find())
                                        .as("%s: %s=%s", s.getKey(), k, v)
                                        .isFalse();
                            });
        }
    }

    @Test
    void everyVolumeIsWritableByItsServicesUser() throws Exception {
        JsonNode services = services();
        JsonNode init = services.get("volumes-init");
        assertThat(init.get("user").asText()).isEqualTo("0:0");
        String initScript = init.get("command").toString();
        Map<String, String> initMounts = new HashMap<>();
        init.get("volumes")
                .forEach(
                        v -> {
                            String[] parts = v.asText().split(":");
                            initMounts.put(parts[0], parts[1]);
                        });
        Set<String> named = new TreeSet<>();
        DeployFiles.compose().get("volumes").fieldNames().forEachRemaining(named::add);

        Map<String, String> checked = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = services.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> s = it.next();
            String name = s.getKey();
            JsonNode service = s.getValue();
            if (name.equals("volumes-init") || service.get("volumes") == null) {
                continue;
            }
            String image = service.get("image").asText().replaceAll(":[^:/]+$", "");
            String user = IMAGE_USERS.get(image);
            if (service.has("user") && service.get("user").asText().equals("flink")) {
                user = "9999:9999";
            }
            for (JsonNode v : service.get("volumes")) {
                String source = v.asText().split(":")[0];
                if (!named.contains(source)) {
                    // bind mounts of the repository are read-only
                    assertThat(v.asText()).as("%s bind mount", name).endsWith(":ro");
                    continue;
                }
                if (user == null) {
                    // postgres, timescaledb: the entrypoint starts as root and chowns PGDATA
                    assertThat(image).as(name).matches("postgres|timescale/timescaledb");
                    continue;
                }
                String initPath = initMounts.get(source);
                assertThat(initPath)
                        .as("volumes-init mounts %s (used by %s)", source, name)
                        .isNotNull();
                assertThat(initScript)
                        .as("volumes-init chowns %s to %s (%s)", source, user, name)
                        .containsPattern(
                                "chown -R "
                                        + Pattern.quote(user)
                                        + " [^&]*"
                                        + Pattern.quote(initPath)
                                        + "\\b");
                assertThat(service.get("depends_on").get("volumes-init"))
                        .as("%s waits for volumes-init", name)
                        .isNotNull();
                assertThat(service.get("depends_on").get("volumes-init").get("condition").asText())
                        .isEqualTo("service_completed_successfully");
                checked.put(name + ":" + source, user);
            }
        }
        assertThat(checked)
                .containsKeys(
                        "jobmanager:flink-checkpoints",
                        "taskmanager:flink-savepoints",
                        "kafka:kafka-data",
                        "prometheus:prometheus-data");

        // The volumes are where the services write: Flink's checkpoint and savepoint directories,
        // Kafka's log dirs (not the image's /tmp default), Prometheus's TSDB.
        Map<String, String> conf = containerFlinkConfig(services.get("taskmanager"));
        String volumes = services.get("taskmanager").get("volumes").toString();
        assertThat(volumes)
                .contains(
                        "flink-checkpoints:"
                                + conf.get("state.checkpoints.dir").replace("file://", ""))
                .contains(
                        "flink-savepoints:"
                                + conf.get("state.savepoints.dir").replace("file://", ""));
        String kafkaLogDirs = env(services.get("kafka")).get("KAFKA_LOG_DIRS");
        assertThat(kafkaLogDirs).isNotBlank();
        assertThat(services.get("kafka").get("volumes").toString())
                .contains("kafka-data:" + kafkaLogDirs);
        assertThat(services.get("prometheus").get("command").toString())
                .contains("--storage.tsdb.path=/prometheus");
        assertThat(services.get("prometheus").get("volumes").toString())
                .contains("prometheus-data:/prometheus");
    }

    @Test
    void everyServiceHasAHealthcheck() throws Exception {
        JsonNode services = services();
        Iterator<Map.Entry<String, JsonNode>> it = services.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> s = it.next();
            JsonNode hc = s.getValue().get("healthcheck");
            assertThat(hc).as("%s has a healthcheck", s.getKey()).isNotNull();
            if (hc.path("disable").asBoolean(false)) {
                // Only one-shot and interactive services go without one.
                boolean oneShot = s.getValue().path("restart").asText().equals("no");
                boolean interactive = s.getValue().path("stdin_open").asBoolean(false);
                assertThat(oneShot || interactive)
                        .as(
                                "%s disables its healthcheck but is neither one-shot nor interactive",
                                s.getKey())
                        .isTrue();
            } else {
                assertThat(hc.get("test")).as(s.getKey()).isNotNull();
            }
            // Whoever waits for a service's health gets a real check.
            JsonNode deps = s.getValue().get("depends_on");
            if (deps != null && deps.isObject()) {
                deps.fields()
                        .forEachRemaining(
                                d -> {
                                    if (d.getValue()
                                            .path("condition")
                                            .asText()
                                            .equals("service_healthy")) {
                                        assertThat(
                                                        services.get(d.getKey())
                                                                .get("healthcheck")
                                                                .path("disable")
                                                                .asBoolean(false))
                                                .as(
                                                        "%s waits for %s's health",
                                                        s.getKey(), d.getKey())
                                                .isFalse();
                                    }
                                });
            }
        }
        // pg_isready over TCP: the images' init server listens on the Unix socket only.
        // The timescaledb database exists only once the init script ran: the check asks for it.
        assertThat(services.get("postgres").get("healthcheck").get("test").toString())
                .contains("pg_isready -h ")
                .contains("-d timescaledb");
        assertThat(services.get("postgres").get("volumes").toString())
                .contains("./deploy/compose/postgres-init.sql:/docker-entrypoint-initdb.d/");
    }

    @Test
    void theClientSubmitsEveryJobWithBigQueryOff() throws Exception {
        JsonNode client = services().get("client");
        List<String> command = new ArrayList<>();
        client.get("command").forEach(c -> command.add(c.asText()));
        assertThat(command).containsExactlyElementsOf(Main.JOBS.keySet());
        // The script's default list and its accepted names are the same jobs.
        String submit = DeployFiles.read("deploy/docker/submit-jobs.sh");
        String jobs = String.join(" ", Main.JOBS.keySet());
        assertThat(submit)
                .contains("jobs=(" + jobs + ")")
                .contains("case $job in " + String.join(" | ", Main.JOBS.keySet()) + ") ;;");
        // Kubernetes: one FlinkDeployment per job (KubernetesManifestTest checks each).
        for (String job : Main.JOBS.keySet()) {
            assertThat(DeployFiles.path("deploy/k8s/athena-" + job + ".yaml")).as(job).exists();
        }
        // The TaskManagers' slots hold every job at the default parallelism (no slot sharing
        // across jobs): a missing slot would leave the last job submitted waiting for resources.
        Map<String, String> flink =
                DeployFiles.flinkConfig(DeployFiles.yaml("flink-conf/config.yaml"));
        int slots =
                services().get("taskmanager").get("deploy").get("replicas").asInt()
                        * Integer.parseInt(flink.get("taskmanager.numberOfTaskSlots"));
        assertThat(slots)
                .isGreaterThanOrEqualTo(
                        Main.JOBS.size() * Integer.parseInt(flink.get("parallelism.default")));
        assertThat(client.get("entrypoint").toString()).contains("/opt/athena/submit-jobs.sh");
        // BigQuery has no emulator: off unless ATHENA_JOB_ARGS says otherwise.
        assertThat(env(client).get("ATHENA_JOB_ARGS"))
                .contains("--" + CommonOptions.BIGQUERY_ENABLED.key() + " false");
        String script = DeployFiles.read("deploy/docker/submit-jobs.sh");
        assertThat(script)
                .contains("/opt/flink/usrlib/" + DeployFiles.shadedJarName("jobs"))
                .contains("athena-$job");
        assertThat(services().get("setup").get("command").toString()).contains("setup");
        assertThat(services().get("setup").get("entrypoint").toString())
                .contains(DeployFiles.shadedJarName("tools"))
                .contains("com.athena.tools.Main");
    }

    @Test
    void prometheusScrapesTheReportersAndLoadsTheRules() throws Exception {
        JsonNode prometheus = services().get("prometheus");
        assertThat(prometheus.get("volumes").toString())
                .contains("./deploy/prometheus/rules.yml:/etc/prometheus/rules/")
                .contains(
                        "./deploy/prometheus/prometheus-compose.yml:/etc/prometheus/prometheus.yml");
        JsonNode config = DeployFiles.yaml("deploy/prometheus/prometheus-compose.yml");
        assertThat(config.get("rule_files").toString()).contains("/etc/prometheus/rules/");
        Map<String, String> flink =
                DeployFiles.flinkConfig(DeployFiles.yaml("flink-conf/config.yaml"));
        assertThat(flink.get("metrics.reporters")).contains("prom");
        String port = flink.get("metrics.reporter.prom.port").split("-")[0];
        String scrape = config.get("scrape_configs").toString();
        assertThat(scrape).contains("jobmanager:" + port).contains("taskmanager");
        assertThat(
                        config.get("scrape_configs")
                                .get(1)
                                .get("dns_sd_configs")
                                .get(0)
                                .get("port")
                                .asText())
                .isEqualTo(port);
    }
}
