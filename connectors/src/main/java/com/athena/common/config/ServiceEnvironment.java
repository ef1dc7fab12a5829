package com.athena.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The addresses and credentials of the real services, read from the process environment and from
 * the env file that {@code bin/services up} writes.
 *
 * <p>The process environment wins over the file so that production deployments and CI can point the
 * same code elsewhere without touching the file. Secrets never live in the repository: the launcher
 * generates the local PostgreSQL password into {@code target/}.
 */
public final class ServiceEnvironment {

    /** Names an env file explicitly; otherwise {@code target/services.env} is searched upwards. */
    public static final String ENV_FILE_VARIABLE = "ATHENA_SERVICES_ENV";

    static final String DEFAULT_RELATIVE_FILE = "target/services.env";

    /** How to start the local services; quoted in every "missing service" message. */
    public static final String START_HINT = "start the local services with `bin/services up`";

    private final Map<String, String> values;
    private final Optional<Path> file;

    private ServiceEnvironment(Map<String, String> values, Optional<Path> file) {
        this.values = Collections.unmodifiableMap(values);
        this.file = file;
    }

    /** Loads the env file (if any) and overlays the process environment. */
    public static ServiceEnvironment load() {
        return load(System.getenv(), Paths.get("").toAbsolutePath());
    }

    public static ServiceEnvironment load(Map<String, String> processEnv, Path workingDirectory) {
        Optional<Path> file = locate(processEnv, workingDirectory);
        Map<String, String> merged = new HashMap<>();
        file.ifPresent(path -> merged.putAll(read(path)));
        // A variable set but empty counts as unset, so it does not hide the file's value.
        processEnv.forEach(
                (key, value) -> {
                    if (value != null && !value.isBlank()) {
                        merged.put(key, value);
                    }
                });
        return new ServiceEnvironment(merged, file);
    }

    private static Optional<Path> locate(Map<String, String> processEnv, Path workingDirectory) {
        String explicit = processEnv.get(ENV_FILE_VARIABLE);
        if (explicit != null && !explicit.isBlank()) {
            Path path = Paths.get(explicit);
            if (!Files.isReadable(path)) {
                throw new IllegalStateException(
                        ENV_FILE_VARIABLE + " names " + path + ", which cannot be read");
            }
            return Optional.of(path);
        }
        // Maven runs tests from the module directory, the launchers from the repository root.
        for (Path dir = workingDirectory; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(DEFAULT_RELATIVE_FILE);
            if (Files.isReadable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> read(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the services env file " + path, e);
        }
        Map<String, String> result = new HashMap<>();
        properties.forEach((k, v) -> result.put(k.toString().trim(), unquote(v.toString().trim())));
        return result;
    }

    private static String unquote(String value) {
        if (value.length() >= 2
                && ((value.startsWith("\"") && value.endsWith("\""))
                        || (value.startsWith("'") && value.endsWith("'")))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** The value of a key, if set. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }

    /** The value of a key, or the default. */
    public String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /** The value of a key, or an error that says how to provide it. */
    public String require(String key) {
        return get(key).orElseThrow(
                        () ->
                                new IllegalStateException(
                                        key
                                                + " is not set: export it, or "
                                                + START_HINT
                                                + " (it writes "
                                                + DEFAULT_RELATIVE_FILE
                                                + ")"));
    }

    /** Every key and value, file and process environment merged. */
    public Map<String, String> all() {
        return values;
    }

    /** The env file that was read, if one was found. */
    public Optional<Path> file() {
        return file;
    }
}
