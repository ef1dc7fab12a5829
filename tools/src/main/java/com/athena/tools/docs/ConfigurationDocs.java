package com.athena.tools.docs;

import com.athena.common.config.CommonOptions;
import com.athena.jobs.JobOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.configuration.description.TextElement;
import org.apache.flink.util.TimeUtils;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders docs/configuration.md from the job options themselves: every public static {@link
 * ConfigOption} field of {@link JobOptions#HOLDERS}, with its key, type, default, deprecated keys
 * and description, one table per namespace. The page is never edited by hand; {@code
 * ConfigurationDocsTest} fails when it differs from what this class renders.
 *
 * <p>{@code mvn -B -ntp -q -pl tools -am process-classes -Pconfig-docs} rewrites the page; {@code
 * main} takes the page's path as its only argument.
 */
public final class ConfigurationDocs {

    /** The page, relative to the repository root. */
    public static final String PAGE = "docs/configuration.md";

    /** The command that rewrites the page, from the repository root of a fresh clone. */
    public static final String REGENERATE =
            "mvn -B -ntp -q -pl tools -am process-classes -Pconfig-docs";

    /** The namespaces, in the page's order, with what each holds. */
    static final Map<String, String> NAMESPACES = new LinkedHashMap<>();

    static {
        NAMESPACES.put("market", "The market job (`market`): bars, indicators, market view.");
        NAMESPACES.put(
                "treasury", "The treasury job (`treasury`): balances, runway, moods, costs.");
        NAMESPACES.put(
                "activity",
                "The activity job (`activity`): decisions, memories, metrics, protocol yields.");
        NAMESPACES.put("kafka", "Kafka, for both jobs.");
        NAMESPACES.put("pubsub", "Pub/Sub, for both jobs.");
        NAMESPACES.put("jdbc", "The JDBC sinks (TimescaleDB, PostgreSQL), for both jobs.");
        NAMESPACES.put("sinks", "Which sinks run, and when they commit, for both jobs.");
    }

    private ConfigurationDocs() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ConfigurationDocs <path of " + PAGE + ">");
        }
        Path page = Paths.get(args[0]);
        Files.createDirectories(page.toAbsolutePath().getParent());
        Files.writeString(page, render(), StandardCharsets.UTF_8);
        System.out.println("wrote " + page);
    }

    /** One documented option. */
    record Row(
            String key, String type, String defaultValue, List<String> deprecated, String text) {}

    /** The page. */
    public static String render() {
        Map<String, List<Row>> tables = new LinkedHashMap<>();
        NAMESPACES.keySet().forEach(ns -> tables.put(ns, new ArrayList<>()));
        for (Row row : rows()) {
            String ns = row.key().substring(0, Math.max(0, row.key().indexOf('.')));
            List<Row> table = tables.get(ns);
            if (table == null) {
                throw new IllegalStateException(
                        "Option "
                                + row.key()
                                + " is in no namespace of the naming rule: "
                                + NAMESPACES.keySet());
            }
            table.add(row);
        }
        StringBuilder out = new StringBuilder();
        out.append(HEADER);
        for (Map.Entry<String, List<Row>> table : tables.entrySet()) {
            if (table.getValue().isEmpty()) {
                continue;
            }
            out.append("\n## `").append(table.getKey()).append(".*`\n\n");
            out.append(NAMESPACES.get(table.getKey())).append("\n\n");
            out.append("| key | type | default | description | deprecated keys |\n");
            out.append("|---|---|---|---|---|\n");
            for (Row row : table.getValue()) {
                out.append("| `")
                        .append(row.key())
                        .append("` | ")
                        .append(row.type())
                        .append(" | ")
                        .append(row.defaultValue())
                        .append(" | ")
                        .append(row.text())
                        .append(" | ")
                        .append(
                                row.deprecated().stream()
                                        .map(k -> "`" + k + "`")
                                        .collect(Collectors.joining(", ")))
                        .append(" |\n");
            }
        }
        return out.toString();
    }

    /** Every option of every holder, sorted by key; fails on a key declared twice. */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Class<?> holder : JobOptions.HOLDERS) {
            for (Field field : holder.getFields()) {
                if (!Modifier.isStatic(field.getModifiers())
                        || !ConfigOption.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                ConfigOption<?> option;
                try {
                    option = (ConfigOption<?>) field.get(null);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                List<String> keys = CommonOptions.keys(option);
                rows.add(
                        new Row(
                                option.key(),
                                type(field),
                                defaultValue(option),
                                keys.subList(1, keys.size()),
                                new MarkdownFormatter().format(option.description())));
            }
        }
        rows.sort(Comparator.comparing(Row::key));
        for (int i = 1; i < rows.size(); i++) {
            if (rows.get(i).key().equals(rows.get(i - 1).key())) {
                throw new IllegalStateException("Option " + rows.get(i).key() + " declared twice");
            }
        }
        return rows;
    }

    private static String type(Field field) {
        Type type = field.getGenericType();
        if (type instanceof ParameterizedType p
                && p.getActualTypeArguments()[0] instanceof Class<?> c) {
            return c.getSimpleName();
        }
        return "?";
    }

    private static String defaultValue(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "(none)";
        }
        Object value = option.defaultValue();
        String text;
        if (value instanceof Duration d) {
            text = TimeUtils.formatWithHighestUnit(d);
        } else if (value instanceof Double d) {
            text = BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        } else {
            text = String.valueOf(value);
        }
        return text.isEmpty() ? "(empty)" : "`" + text + "`";
    }

    /** Descriptions as one Markdown table cell. */
    private static final class MarkdownFormatter extends Formatter {
        @Override
        protected void formatLink(StringBuilder state, String link, String description) {
            state.append('[').append(description).append("](").append(link).append(')');
        }

        @Override
        protected void formatLineBreak(StringBuilder state) {
            state.append("<br>");
        }

        @Override
        protected void formatText(
                StringBuilder state,
                String format,
                String[] elements,
                EnumSet<TextElement.TextStyle> styles) {
            String text = String.format(format, (Object[]) elements).replace("|", "\\|");
            state.append(styles.contains(TextElement.TextStyle.CODE) ? "`" + text + "`" : text);
        }

        @Override
        protected void formatList(StringBuilder state, String[] entries) {
            state.append(String.join("<br>", entries));
        }

        @Override
        protected Formatter newInstance() {
            return new MarkdownFormatter();
        }
    }

    private static final String HEADER =
            "# Configuration reference\n"
                    + "\n"
                    + "<!-- Generated by com.athena.tools.docs.ConfigurationDocs from the options'"
                    + " descriptions in the code; do not edit. Regenerate with: "
                    + REGENERATE
                    + " -->\n"
                    + "\n"
                    + "Every job option, with its default. This page is generated from the options"
                    + " themselves (`CommonOptions`, `MarketOptions`, `TreasuryOptions`); to"
                    + " change a description, change the code and run\n"
                    + "`"
                    + REGENERATE
                    + "`. `ConfigurationDocsTest` fails while the page is out of date.\n"
                    + "\n"
                    + "Addresses, credentials and TLS settings are no job options: they come from"
                    + " the services environment (the process environment, or the env file"
                    + " `bin/services up` writes). Flink's own options (checkpointing, state"
                    + " backend, restart strategy) are in `flink-conf/config.yaml`.\n"
                    + "\n"
                    + "## Where options come from\n"
                    + "\n"
                    + "1. The defaults below.\n"
                    + "2. The cluster's configuration: `key: value` in the `config.yaml` of the"
                    + " client that submits the job, or `-Dkey=value` on `flink run`.\n"
                    + "3. Program arguments after the job's name: `flink run <jar> market --key"
                    + " value ...`.\n"
                    + "\n"
                    + "Each source overrides the ones above it, so a program argument wins over"
                    + " the cluster's value. The options a job runs with are its global job"
                    + " parameters: the Web UI's job configuration tab and the REST API's"
                    + " `/jobs/<id>/config` (`user-config`) list them.\n"
                    + "\n"
                    + "## Naming rule\n"
                    + "\n"
                    + "- A key starts with the job that reads it: `market.*`, `treasury.*` or `activity.*`.\n"
                    + "- An option both jobs read starts with the system it configures instead:"
                    + " `kafka.*`, `pubsub.*`, `jdbc.*`, `sinks.*`.\n"
                    + "- Under a job, what names or tunes an external resource continues with its"
                    + " system (`market.kafka.trades-topic`,"
                    + " `treasury.pubsub.costs-subscription`, `treasury.firestore.min-interval`);"
                    + " everything else with the part of the job it tunes"
                    + " (`market.watermark.idleness`, `treasury.runway.stable-days`).\n"
                    + "- Topic names end in `-topic`, subscription names in `-subscription`;"
                    + " words are lower case, joined by `-`.\n"
                    + "\n"
                    + "A renamed option keeps its old key as a deprecated key for one release: the"
                    + " old key still works, and Flink logs `Config uses deprecated configuration"
                    + " key '<old>' instead of proper key '<new>'` when a job reads it. When both"
                    + " are given, the current key wins within one source, and a program argument"
                    + " under either key wins over the cluster's value.\n"
                    + "\n"
                    + "## Values\n"
                    + "\n"
                    + "- Durations: a number and a unit, e.g. `500 ms`, `10 s`, `1 min`, `2 h`,"
                    + " `7 d`; a number alone is milliseconds.\n"
                    + "- Booleans: `true` or `false`. Doubles: plain or scientific notation"
                    + " (`5e6`).\n";
}
