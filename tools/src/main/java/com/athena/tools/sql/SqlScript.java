package com.athena.tools.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The SQL files of {@code sql/flink}: placeholders filled in from the environment, and scripts
 * split into statements the way Flink's SQL client splits them.
 *
 * <p>Flink SQL has no variables, and the files must not hold passwords, so connection settings are
 * written {@code ${NAME}} or {@code ${NAME:-default}} inside string literals and filled in by
 * {@code bin/sql}, the compose SQL client and the tests ({@link #render}). Values are escaped for
 * the string literal they stand in ({@code '} doubled).
 */
public final class SqlScript {

    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private static final Pattern SET =
            Pattern.compile("(?is)\\s*SET\\s+'((?:[^']|'')*)'\\s*=\\s*'((?:[^']|'')*)'\\s*");

    /** The file every session starts with: settings and functions. */
    public static final String INIT_FILE = "init.sql";

    private SqlScript() {}

    /**
     * The files of a session in the order they run: {@value #INIT_FILE}, then every other {@code
     * .sql} file by name (tables before the views that read them: the names are numbered).
     */
    public static List<Path> sessionFiles(Path directory) throws IOException {
        Path init = directory.resolve(INIT_FILE);
        if (!Files.isRegularFile(init)) {
            throw new IllegalArgumentException("no " + INIT_FILE + " in " + directory);
        }
        List<Path> files = new ArrayList<>();
        files.add(init);
        try (Stream<Path> listing = Files.list(directory)) {
            listing.filter(p -> p.getFileName().toString().endsWith(".sql"))
                    .filter(p -> !p.getFileName().toString().equals(INIT_FILE))
                    .sorted()
                    .forEach(files::add);
        }
        return files;
    }

    /**
     * Replaces every {@code ${NAME}} and {@code ${NAME:-default}} with the variable's value, or the
     * default when the variable is not set.
     *
     * @throws IllegalArgumentException naming every variable that is neither set nor defaulted
     */
    public static String render(String script, Function<String, Optional<String>> variables) {
        Matcher m = PLACEHOLDER.matcher(script);
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            Optional<String> value = variables.apply(m.group(1));
            String replacement;
            if (value.isPresent()) {
                replacement = value.get();
            } else if (m.group(2) != null) {
                replacement = m.group(2);
            } else {
                missing.add(m.group(1));
                replacement = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement.replace("'", "''")));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "no value for " + String.join(", ", missing) + " (set it in the environment)");
        }
        return out.toString();
    }

    /**
     * Splits a script on the semicolons that end statements: outside string literals ({@code '}),
     * quoted identifiers ({@code `}), line comments ({@code --}) and block comments, as the SQL
     * client's parser does. Statements are trimmed; comments stay in them (Flink's parser skips
     * them); pieces that hold nothing but comments and blanks are dropped.
     */
    public static List<String> statements(String script) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean code = false;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                current.append(script, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                current.append(script, i, end);
                i = end;
            } else if (c == '\'' || c == '`') {
                int end = closingQuote(script, i, c);
                current.append(script, i, end);
                code = true;
                i = end;
            } else if (c == ';') {
                if (code) {
                    result.add(current.toString().trim());
                }
                current.setLength(0);
                code = false;
                i++;
            } else {
                current.append(c);
                code |= !Character.isWhitespace(c);
                i++;
            }
        }
        if (code) {
            result.add(current.toString().trim());
        }
        return result;
    }

    /** The index after the quote that closes the one at {@code start}; a doubled quote escapes. */
    private static int closingQuote(String script, int start, char quote) {
        int i = start + 1;
        while (i < script.length()) {
            if (script.charAt(i) == quote) {
                if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return script.length();
    }

    /**
     * The key and value of a {@code SET 'key' = 'value'} statement (leading comments allowed),
     * which the SQL client executes itself and {@code TableEnvironment.executeSql} refuses.
     */
    public static Optional<Map.Entry<String, String>> setStatement(String statement) {
        Matcher m = SET.matcher(withoutComments(statement));
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(Map.entry(m.group(1).replace("''", "'"), m.group(2).replace("''", "'")));
    }

    /** The statement without its line and block comments (string literals kept intact). */
    static String withoutComments(String statement) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = statement.length();
        while (i < n) {
            char c = statement.charAt(i);
            if (c == '-' && i + 1 < n && statement.charAt(i + 1) == '-') {
                int end = statement.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && statement.charAt(i + 1) == '*') {
                int end = statement.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '\'' || c == '`') {
                int end = closingQuote(statement, i, c);
                out.append(statement, i, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
