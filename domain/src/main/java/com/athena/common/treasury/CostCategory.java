package com.athena.common.treasury;

import com.athena.common.json.Labeled;

/**
 * Which daily sub-total a cost counts in, from its {@code cost_type}: {@code llm_cost}, {@code
 * api_cost}, or anything else (the producer's own types and {@code other}).
 */
public enum CostCategory implements Labeled {
    LLM("llm_cost"),
    API("api_cost"),
    OTHER("other");

    private final String label;

    CostCategory(String label) {
        this.label = label;
    }

    /** The {@code cost_type} that names this category ({@code other}: the default one). */
    @Override
    public String label() {
        return label;
    }

    /** The category of a {@code cost_type}; unknown and absent types are {@link #OTHER}. */
    public static CostCategory of(String costType) {
        CostCategory category = Labeled.fromLabel(CostCategory.class, costType);
        return category == null ? OTHER : category;
    }
}
