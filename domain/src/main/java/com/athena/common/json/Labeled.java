package com.athena.common.json;

import java.util.Locale;

/**
 * An enum constant named in the outputs and inputs (JSON, rows, documents) by a label rather than
 * by its Java name: by default its name in lower case, e.g. {@code day_close} for {@code
 * DAY_CLOSE}. Implemented by enums only.
 */
public interface Labeled {
    /** The name in the JSON, rows and documents. */
    default String label() {
        return ((Enum<?>) this).name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} named {@code label}, or {@code null} if none is. */
    static <E extends Enum<E> & Labeled> E fromLabel(Class<E> type, String label) {
        for (E constant : type.getEnumConstants()) {
            if (constant.label().equals(label)) {
                return constant;
            }
        }
        return null;
    }
}
