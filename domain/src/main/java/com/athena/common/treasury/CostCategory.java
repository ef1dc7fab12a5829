package com.athena.common.treasury;

import com.athena.common.json.Labeled;

/**
 * Which daily sub-total a cost counts in, from its {@code cost_type}: {@code llm_cost}, {@code
 * api_cost}, or anything else (the producer's own types and {@code other}). The {@link #label()
 * label} is the {@code cost_type} that names the category.
 */
public enum CostCategory implements Labeled {
    LLM_COST,
    API_COST,
    OTHER;

    /** The category of a {@code cost_type}; unknown and absent types are {@link #OTHER}. */
    public static CostCategory of(String costType) {
        CostCategory category = Labeled.fromLabel(CostCategory.class, costType);
        return category == null ? OTHER : category;
    }
}
