package com.athena.jobs.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/docker/Dockerfile cannot be built here (no Docker engine): its FROM line must be the
 * official Flink image of the build's Flink version on Java 17, its COPY lines must name the jars
 * the build writes (the shaded job jar into /opt/flink/usrlib), the configuration it bakes in must
 * enable the Prometheus reporter, and compose must run the image it builds.
 */
class JobImageTest {
    static final String IMAGE = "athena/flink-jobs:0.1.0";

    private static List<String[]> copies(String dockerfile) {
        List<String[]> copies = new ArrayList<>();
        for (String line : dockerfile.split("\n")) {
            if (line.startsWith("COPY ")) {
                String[] words = line.replaceAll("--chown=\\S+\\s+", "").split("\\s+");
                copies.add(new String[] {words[1], words[2]});
            }
        }
        return copies;
    }

    @Test
    void fromTheOfficialFlinkImageOfTheBuildsVersionOnJava17() throws Exception {
        String dockerfile = DeployFiles.read("deploy/docker/Dockerfile");
        Matcher from = Pattern.compile("(?m)^FROM (\\S+)$").matcher(dockerfile);
        assertThat(from.find()).as("a FROM line").isTrue();
        String pom = DeployFiles.read("pom.xml");
        Matcher flink = Pattern.compile("<flink.version>([^<]+)</flink.version>").matcher(pom);
        assertThat(flink.find()).isTrue();
        assertThat(flink.group(1)).startsWith("1.20.");
        assertThat(from.group(1)).isEqualTo("flink:" + flink.group(1) + "-scala_2.12-java17");
        assertThat(from.find()).as("one stage").isFalse();
    }

    @Test
    void copiesTheJarsTheBuildWrites() throws Exception {
        String dockerfile = DeployFiles.read("deploy/docker/Dockerfile");
        List<String[]> copies = copies(dockerfile);
        String jobJar = DeployFiles.shadedJarName("jobs");
        String toolsJar = DeployFiles.shadedJarName("tools");
        assertThat(copies)
                .anySatisfy(
                        c -> {
                            assertThat(c[0]).isEqualTo("jobs/target/" + jobJar);
                            assertThat(c[1]).isEqualTo("/opt/flink/usrlib/" + jobJar);
                        })
                .anySatisfy(
                        c -> {
                            assertThat(c[0]).isEqualTo("tools/target/" + toolsJar);
                            assertThat(c[1]).isEqualTo("/opt/athena/" + toolsJar);
                        })
                .anySatisfy(
                        c -> {
                            assertThat(c[0]).isEqualTo("flink-conf/config.yaml");
                            assertThat(c[1]).isEqualTo("/opt/flink/conf/config.yaml");
                        });
        // Every source exists in the repository or is a build output, and .dockerignore lets
        // each one into the build context.
        String dockerignore = DeployFiles.read(".dockerignore");
        for (String[] c : copies) {
            assertThat(dockerignore).as(".dockerignore admits %s", c[0]).contains("!" + c[0]);
            if (!c[0].contains("/target/")) {
                assertThat(DeployFiles.path(c[0])).exists();
            }
        }
    }

    @Test
    void theImagesConfigurationEnablesThePrometheusReporter() throws Exception {
        Map<String, String> conf =
                DeployFiles.flinkConfig(DeployFiles.yaml("flink-conf/config.yaml"));
        assertThat(conf.get("metrics.reporters")).isEqualTo("prom");
        assertThat(conf)
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        // The reporter jar ships in the image's plugins/metrics-prometheus; the build checks it.
        assertThat(DeployFiles.read("deploy/docker/Dockerfile"))
                .contains("test -d /opt/flink/plugins/metrics-prometheus")
                .contains("/opt/flink/plugins/gs-fs-hadoop");
    }

    @Test
    void composeRunsTheImageItBuilds() throws Exception {
        JsonNode services = DeployFiles.compose().get("services");
        Iterator<Map.Entry<String, JsonNode>> it = services.fields();
        List<String> flinkServices = new ArrayList<>();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> s = it.next();
            String image = s.getValue().get("image").asText();
            assertThat(image).as(s.getKey()).doesNotStartWith("flink:");
            if (image.equals(IMAGE)) {
                flinkServices.add(s.getKey());
                assertThat(s.getValue().get("build").get("dockerfile").asText())
                        .isEqualTo("deploy/docker/Dockerfile");
                assertThat(s.getValue().get("build").get("context").asText()).isEqualTo(".");
            }
        }
        assertThat(flinkServices)
                .contains("jobmanager", "taskmanager", "client", "setup", "volumes-init");
    }
}
