package com.athena.common.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Test access to {@link ServiceEnvironment#load(Map, Path)} for tests in other packages: an
 * environment built from a given process environment and working directory, independent of the
 * machine's real environment.
 */
public final class ServiceEnvironments {
    private ServiceEnvironments() {}

    public static ServiceEnvironment load(Map<String, String> processEnv, Path workingDirectory) {
        return ServiceEnvironment.load(processEnv, workingDirectory);
    }
}
