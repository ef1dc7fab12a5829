package com.athena.jobs.deploy;

import com.athena.common.config.ServiceKeys;

import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.kubernetes.operator.api.spec.JobState;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * deploy/k8s/ cannot be applied here (no Kubernetes): each manifest is read into the Flink
 * Kubernetes Operator's API classes (1.10.0) with unknown fields failing, and the FlinkDeployments
 * are checked for what the issue asks: application mode on the job image, savepoint upgrades,
 * RocksDB with incremental checkpoints on GCS, Kubernetes HA, resources and parallelism, secrets
 * from a Secret, Prometheus scraping, and only configuration keys Flink 1.20 knows.
 */
class KubernetesManifestTest {
    private static final List<String> JOBS = List.of("market", "treasury", "activity");
    private static final Pattern LOOPBACK =
            Pattern.compile("(?i)\\blocalhost\\b|\\b127\\.\\d+\\.\\d+\\.\\d+\\b");

    private static ObjectMapper strict;
    private static FlinkConfigKeys flinkKeys;

    @BeforeAll
    static void setUp() throws Exception {
        strict = new ObjectMapper(new YAMLFactory());
        strict.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        // The operator's classes say @JsonIgnoreProperties(ignoreUnknown = true): a typo in a
        // manifest would vanish silently. Here it fails.
        strict.setAnnotationIntrospector(
                new JacksonAnnotationIntrospector() {
                    @Override
                    public JsonIgnoreProperties.Value findPropertyIgnoralByName(
                            MapperConfig<?> config, Annotated a) {
                        return super.findPropertyIgnoralByName(config, a).withoutIgnoreUnknown();
                    }
                });
        flinkKeys = FlinkConfigKeys.load();
    }

    /** Reads a manifest strictly: unknown fields fail, also where fabric8 would keep them aside. */
    static <T> T readStrict(String yaml, Class<T> type) throws Exception {
        T value = strict.readValue(yaml, type);
        List<String> unknown = new ArrayList<>();
        collectAdditionalProperties(value, type.getSimpleName(), unknown, new IdentityHashMap<>());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown fields: " + unknown);
        }
        return value;
    }

    /** fabric8's model classes keep unknown fields in additionalProperties (@JsonAnySetter). */
    private static void collectAdditionalProperties(
            Object o, String path, List<String> unknown, Map<Object, Boolean> seen)
            throws IllegalAccessException {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection) {
            int i = 0;
            for (Object e : (Collection<?>) o) {
                collectAdditionalProperties(e, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (o instanceof Object[]) {
            Object[] a = (Object[]) o;
            for (int i = 0; i < a.length; i++) {
                collectAdditionalProperties(a[i], path + "[" + i + "]", unknown, seen);
            }
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8") && !pkg.startsWith("org.apache.flink.kubernetes")) {
            return;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                f.setAccessible(true);
                Object v = f.get(o);
                if (f.getName().equals("additionalProperties") && v instanceof Map) {
                    for (Object k : ((Map<?, ?>) v).keySet()) {
                        unknown.add(path + "." + k);
                    }
                } else if (!(v instanceof Map) || f.getName().equals("additionalProperties")) {
                    collectAdditionalProperties(v, path + "." + f.getName(), unknown, seen);
                } else {
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                        collectAdditionalProperties(
                                e.getValue(),
                                path + "." + f.getName() + "." + e.getKey(),
                                unknown,
                                seen);
                    }
                }
            }
        }
    }

    private static FlinkDeployment deployment(String job) throws Exception {
        return readStrict(
                DeployFiles.read("deploy/k8s/athena-" + job + ".yaml"), FlinkDeployment.class);
    }

    private static Map<String, String> productionConfig() throws Exception {
        return DeployFiles.flinkConfig(DeployFiles.yaml("flink-conf/config.yaml"));
    }

    @Test
    void everyManifestReadsIntoItsApiClass() throws Exception {
        try (var files = Files.list(DeployFiles.path("deploy/k8s"))) {
            for (var file : files.sorted().toList()) {
                for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
                    JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(doc);
                    if (tree == null || tree.isEmpty()) {
                        continue;
                    }
                    String kind = tree.get("kind").asText();
                    switch (kind) {
                        case "FlinkDeployment":
                            readStrict(doc, FlinkDeployment.class);
                            break;
                        case "ConfigMap":
                            readStrict(doc, ConfigMap.class);
                            break;
                        case "Secret":
                            readStrict(doc, Secret.class);
                            break;
                        case "PodMonitor":
                            // A Prometheus Operator CRD: no API class here; its selector is
                            // checked in prometheusScrapesEveryPod.
                            assertThat(tree.get("apiVersion").asText())
                                    .isEqualTo("monitoring.coreos.com/v1");
                            break;
                        default:
                            throw new AssertionError(file + ": unexpected kind " + kind);
                    }
                }
            }
        }
    }

    @Test
    void unknownFieldsFail() throws Exception {
        String market = DeployFiles.read("deploy/k8s/athena-market.yaml");
        assertThatThrownBy(
                        () ->
                                readStrict(
                                        market.replace("upgradeMode:", "upgradMode:"),
                                        FlinkDeployment.class))
                .hasMessageContaining("upgradMode");
        assertThatThrownBy(
                        () ->
                                readStrict(
                                        market.replace("envFrom:", "envFromm:"),
                                        FlinkDeployment.class))
                .hasMessageContaining("envFromm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"market", "treasury", "activity"})
    void applicationModeOnTheJobImageWithSavepointUpgrades(String job) throws Exception {
        FlinkDeployment d = deployment(job);
        assertThat(d.getMetadata().getName()).isEqualTo("athena-" + job);
        FlinkDeploymentSpec spec = d.getSpec();
        assertThat(spec.getImage()).isEqualTo(JobImageTest.IMAGE);
        assertThat(spec.getFlinkVersion()).isEqualTo(FlinkVersion.v1_20);
        // Application mode: the FlinkDeployment carries its job (a session cluster has none).
        assertThat(spec.getJob()).isNotNull();
        assertThat(spec.getJob().getJarURI())
                .isEqualTo("local:///opt/flink/usrlib/" + DeployFiles.shadedJarName("jobs"));
        assertThat(spec.getJob().getEntryClass()).isEqualTo(com.athena.jobs.Main.class.getName());
        assertThat(spec.getJob().getArgs()).startsWith(job);
        assertThat(spec.getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
        assertThat(spec.getJob().getState()).isEqualTo(JobState.RUNNING);
        assertThat(spec.getJob().getAllowNonRestoredState()).isFalse();
        assertThat(spec.getJob().getParallelism()).isPositive();
        // Resources: the slots hold the parallelism.
        assertThat(spec.getJobManager().getResource().getCpu()).isPositive();
        assertThat(spec.getJobManager().getResource().getMemory()).isNotBlank();
        assertThat(spec.getTaskManager().getResource().getCpu()).isPositive();
        assertThat(spec.getTaskManager().getResource().getMemory()).isNotBlank();
        int slots =
                Integer.parseInt(spec.getFlinkConfiguration().get("taskmanager.numberOfTaskSlots"));
        assertThat(spec.getTaskManager().getReplicas() * slots)
                .isGreaterThanOrEqualTo(spec.getJob().getParallelism());
    }

    @ParameterizedTest
    @ValueSource(strings = {"market", "treasury", "activity"})
    void rocksDbIncrementalCheckpointsOnGcsAndKubernetesHa(String job) throws Exception {
        Map<String, String> conf = deployment(job).getSpec().getFlinkConfiguration();
        assertThat(conf)
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("state.backend.incremental", "true")
                .containsEntry("high-availability.type", "kubernetes");
        for (String dir :
                List.of(
                        "state.checkpoints.dir",
                        "state.savepoints.dir",
                        "high-availability.storageDir")) {
            assertThat(conf.get(dir)).as(dir).startsWith("gs://").contains("/" + job + "/");
        }
        // The same checkpointing, restart and savepoint discipline as the production config.
        Map<String, String> production = productionConfig();
        for (String key : production.keySet()) {
            if (key.startsWith("execution.checkpointing.")
                    || key.startsWith("restart-strategy.")
                    || key.startsWith("pipeline.")
                    || key.startsWith("metrics.")
                    || key.equals("state.checkpoints.num-retained")
                    || key.equals("env.java.opts.all")) {
                String expected = production.get(key);
                if (key.equals("metrics.reporter.prom.port")) {
                    expected = expected.split("-")[0]; // one process per pod
                }
                assertThat(conf).as(job + " " + key).containsEntry(key, expected);
            }
        }
    }

    @Test
    void everyJobHasItsManifestAndNoManifestIsStray() throws Exception {
        Set<String> manifests = new TreeSet<>();
        try (var files = java.nio.file.Files.list(DeployFiles.path("deploy/k8s"))) {
            files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("athena-") && n.endsWith(".yaml"))
                    .forEach(n -> manifests.add(n.substring(7, n.length() - 5)));
        }
        // The parameterised tests above check exactly these; ComposeConsistencyTest checks that
        // every job Main runs has its manifest (a job without one would silently not deploy).
        assertThat(manifests).containsExactlyInAnyOrderElementsOf(JOBS);
    }

    @Test
    void everyFlinkConfigurationKeyIsOneFlink120Knows() throws Exception {
        assertThat(flinkKeys.size()).as("keys collected").isGreaterThan(300);
        assertThat(flinkKeys.knows("execution.checkpointing.interval")).isTrue();
        assertThat(flinkKeys.knows("state.checkpoints.dir")).as("a deprecated key").isTrue();
        assertThat(flinkKeys.knows("state.backend.incremantal")).as("a typo").isFalse();
        for (String job : JOBS) {
            Set<String> unknown = new TreeSet<>();
            for (String key : deployment(job).getSpec().getFlinkConfiguration().keySet()) {
                if (!flinkKeys.knows(key)) {
                    unknown.add(key);
                }
            }
            assertThat(unknown).as("athena-%s: keys Flink 1.20 does not know", job).isEmpty();
        }
        // The production configuration too.
        Set<String> unknown = new TreeSet<>(productionConfig().keySet());
        unknown.removeIf(flinkKeys::knows);
        assertThat(unknown).as("flink-conf/config.yaml: keys Flink 1.20 does not know").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"market", "treasury", "activity"})
    void secretsComeFromASecretAndAddressesFromTheConfigMap(String job) throws Exception {
        Container main =
                deployment(job).getSpec().getPodTemplate().getSpec().getContainers().get(0);
        assertThat(main.getName()).isEqualTo("flink-main-container");
        ConfigMap services =
                readStrict(DeployFiles.read("deploy/k8s/services.yaml"), ConfigMap.class);
        assertThat(main.getEnvFrom())
                .anySatisfy(
                        e ->
                                assertThat(e.getConfigMapRef().getName())
                                        .isEqualTo(services.getMetadata().getName()));
        List<Secret> secretDocs = new ArrayList<>();
        for (String doc :
                DeployFiles.read("deploy/k8s/secret.example.yaml").split("(?m)^---\\s*$")) {
            secretDocs.add(readStrict(doc, Secret.class));
        }
        Set<String> passwordKeys = new TreeSet<>();
        for (Field f : ServiceKeys.class.getFields()) {
            String key = (String) f.get(null);
            if (key.endsWith("_PASSWORD")) {
                passwordKeys.add(key);
            }
        }
        for (String key : passwordKeys) {
            EnvVar env =
                    main.getEnv().stream()
                            .filter(e -> e.getName().equals(key))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError(job + " has no env " + key));
            assertThat(env.getValue()).as("%s is never a literal", key).isNull();
            var ref = env.getValueFrom().getSecretKeyRef();
            assertThat(secretDocs)
                    .as("the Secret %s holds %s", ref.getName(), ref.getKey())
                    .anySatisfy(
                            s -> {
                                assertThat(s.getMetadata().getName()).isEqualTo(ref.getName());
                                assertThat(s.getStringData()).containsKey(ref.getKey());
                            });
        }
        // The ConfigMap: the jobs' address keys, no password, no loopback.
        for (Map.Entry<String, String> e : services.getData().entrySet()) {
            assertThat(e.getKey()).doesNotEndWith("_PASSWORD");
            assertThat(e.getKey()).matches("[A-Z][A-Z0-9_]*");
            assertThat(LOOPBACK.matcher(e.getValue()).find()).as(e.getKey()).isFalse();
        }
        Set<String> serviceKeys = new TreeSet<>();
        for (Field f : ServiceKeys.class.getFields()) {
            serviceKeys.add((String) f.get(null));
        }
        Set<String> missing = new TreeSet<>(serviceKeys);
        missing.removeAll(passwordKeys);
        missing.removeAll(services.getData().keySet());
        // Real Google services: no emulator host.
        assertThat(missing)
                .containsExactlyInAnyOrder("PUBSUB_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST");
        // The CA file the ConfigMap names is mounted from the athena-tls Secret.
        assertThat(main.getVolumeMounts())
                .anySatisfy(
                        m ->
                                assertThat(services.getData().get("POSTGRES_SSLROOTCERT"))
                                        .startsWith(m.getMountPath() + "/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"market", "treasury", "activity"})
    void prometheusScrapesEveryPod(String job) throws Exception {
        FlinkDeploymentSpec spec = deployment(job).getSpec();
        String port = spec.getFlinkConfiguration().get("metrics.reporter.prom.port");
        Map<String, String> annotations = spec.getPodTemplate().getMetadata().getAnnotations();
        assertThat(annotations)
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", port)
                .containsEntry("prometheus.io/path", "/metrics");
        Container main = spec.getPodTemplate().getSpec().getContainers().get(0);
        assertThat(main.getPorts())
                .anySatisfy(
                        p -> {
                            assertThat(p.getName()).isEqualTo("metrics");
                            assertThat(p.getContainerPort()).isEqualTo(Integer.parseInt(port));
                        });
        JsonNode podMonitor = DeployFiles.yaml("deploy/k8s/podmonitor.yaml");
        podMonitor
                .get("spec")
                .get("selector")
                .get("matchLabels")
                .fields()
                .forEachRemaining(
                        l ->
                                assertThat(spec.getPodTemplate().getMetadata().getLabels())
                                        .containsEntry(l.getKey(), l.getValue().asText()));
        assertThat(podMonitor.get("spec").get("podMetricsEndpoints").get(0).get("port").asText())
                .isEqualTo("metrics");
    }
}
