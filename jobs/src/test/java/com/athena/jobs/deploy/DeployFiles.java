package com.athena.jobs.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import javax.xml.parsers.DocumentBuilderFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The deployment files of the repository (docker-compose.yml, flink-conf/, deploy/), read the way
 * their consumers read them. Tests run in jobs/, so the repository root is the parent directory.
 */
public final class DeployFiles {
    public static final Path ROOT = Paths.get("..");

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeployFiles() {}

    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    public static String read(String relative) throws IOException {
        return Files.readString(path(relative), StandardCharsets.UTF_8);
    }

    /** YAML as Compose reads it: merge keys ({@code <<: *anchor}) resolved (Jackson does not). */
    public static JsonNode yaml(String relative) throws IOException {
        try (Reader r = Files.newBufferedReader(path(relative), StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            return JSON.valueToTree(doc);
        }
    }

    /** The compose file with merge keys resolved. */
    public static JsonNode compose() throws IOException {
        return yaml("docker-compose.yml");
    }

    /**
     * A Flink configuration as Flink 1.20's YAML loader reads it: nested maps flattened to dotted
     * keys; a later flat key wins over a nested one (the file is read in order).
     */
    public static Map<String, String> flinkConfig(JsonNode yaml) {
        Map<String, String> flat = new TreeMap<>();
        flatten("", yaml, flat);
        return flat;
    }

    /** Flink's "key: value" lines (FLINK_PROPERTIES, a dynamic-properties block). */
    public static Map<String, String> flinkProperties(String lines) {
        Map<String, String> flat = new TreeMap<>();
        for (String line : lines.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int colon = l.indexOf(':');
            flat.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
        }
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(
                        prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                        e.getValue(),
                        out);
            }
        } else {
            out.put(prefix, node.isValueNode() ? node.asText() : node.toString());
        }
    }

    /** {@code <artifactId>-<version>-<classifier>.jar} of a module's shaded, attached artifact. */
    public static String shadedJarName(String module) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        Document root = f.newDocumentBuilder().parse(path("pom.xml").toFile());
        Document pom = f.newDocumentBuilder().parse(path(module + "/pom.xml").toFile());
        String version = childText(root.getDocumentElement(), "version");
        String artifactId = childText(pom.getDocumentElement(), "artifactId");
        String classifier =
                pom.getElementsByTagName("shadedClassifierName").item(0).getTextContent().strip();
        return artifactId + "-" + version + "-" + classifier + ".jar";
    }

    private static String childText(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && ((Element) n).getTagName().equals(tag)) {
                return n.getTextContent().strip();
            }
        }
        throw new IllegalStateException("no <" + tag + "> under <" + parent.getTagName() + ">");
    }
}
