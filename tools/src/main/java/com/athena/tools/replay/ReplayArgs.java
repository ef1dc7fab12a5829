package com.athena.tools.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Strict {@code --name value} arguments: unknown, repeated or missing options are errors. */
final class ReplayArgs {
    private final Map<String, String> values = new HashMap<>();

    ReplayArgs(String[] args, Set<String> allowed) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !allowed.contains(arg.substring(2))) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            if (values.put(arg.substring(2), args[++i]) != null) {
                throw new IllegalArgumentException(arg + " is given twice");
            }
        }
    }

    String required(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    String oneOf(String name, List<String> choices) {
        String value = required(name);
        if (!choices.contains(value)) {
            throw new IllegalArgumentException(
                    "--"
                            + name
                            + " must be one of "
                            + String.join("|", choices)
                            + ", got '"
                            + value
                            + "'");
        }
        return value;
    }
}
