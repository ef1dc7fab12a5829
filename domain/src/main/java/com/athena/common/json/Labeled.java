package com.athena.common.json;

/**
 * A constant named in the outputs and inputs (JSON, rows, documents) by a label rather than by its
 * Java name, e.g. {@code day_close} for {@code DAY_CLOSE}.
 */
public interface Labeled {
    /** The name in the JSON, rows and documents. */
    String label();

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
