package com.athena.common.json;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An enum constant named in the outputs and inputs (JSON, rows, documents) by a label rather than
 * by its Java name: by default its name in lower case, e.g. {@code day_close} for {@code
 * DAY_CLOSE}. Implemented by enums only.
 */
public interface Labeled {
    /** The name in the JSON, rows and documents. */
    default String label() {
        Enum<?> constant = (Enum<?>) this;
        return Cache.LOWER_NAMES.get(constant.getDeclaringClass())[constant.ordinal()];
    }

    /** The constant of {@code type} named {@code label}, or {@code null} if none is. */
    @SuppressWarnings("unchecked")
    static <E extends Enum<E> & Labeled> E fromLabel(Class<E> type, String label) {
        return label == null ? null : (E) Cache.BY_LABEL.get(type).get(label);
    }

    /**
     * Per enum type, computed once: labels are read and parsed for every event, and both the lower
     * casing and {@link Class#getEnumConstants()} (a copy per call) showed in the profiles.
     */
    final class Cache {
        private static final ClassValue<String[]> LOWER_NAMES =
                new ClassValue<>() {
                    @Override
                    protected String[] computeValue(Class<?> type) {
                        Object[] constants = type.getEnumConstants();
                        String[] names = new String[constants.length];
                        for (int i = 0; i < constants.length; i++) {
                            names[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
                        }
                        return names;
                    }
                };

        private static final ClassValue<Map<String, Object>> BY_LABEL =
                new ClassValue<>() {
                    @Override
                    protected Map<String, Object> computeValue(Class<?> type) {
                        Map<String, Object> byLabel = new HashMap<>();
                        for (Object constant : type.getEnumConstants()) {
                            byLabel.putIfAbsent(((Labeled) constant).label(), constant);
                        }
                        return Map.copyOf(byLabel);
                    }
                };

        private Cache() {}
    }
}
