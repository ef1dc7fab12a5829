package com.athena.common.treasury;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Prices operations: an LLM call costs {@code input_tokens/1000 * input + output_tokens/1000 *
 * output} with the prices of its model (or the default prices for an unnamed or unlisted model), an
 * API call a fixed price.
 */
public final class CostPricing implements Serializable {
    private static final long serialVersionUID = 1L;

    /** USD per 1,000 input and output tokens. */
    public record TokenPrice(double inputPer1k, double outputPer1k) implements Serializable {
        public TokenPrice {
            if (!(inputPer1k >= 0) || !(outputPer1k >= 0)) {
                throw new IllegalArgumentException("token prices must be finite and >= 0");
            }
        }
    }

    /** The seed's prices: 0.003 per 1k input tokens, 0.015 per 1k output, 0.0001 per API call. */
    public static final CostPricing DEFAULT =
            new CostPricing(new TokenPrice(0.003, 0.015), Map.of(), 0.0001);

    private final TokenPrice defaultTokens;
    private final Map<String, TokenPrice> models;
    private final double apiCall;

    public CostPricing(TokenPrice defaultTokens, Map<String, TokenPrice> models, double apiCall) {
        this.defaultTokens = Objects.requireNonNull(defaultTokens, "defaultTokens");
        this.models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
        if (!(apiCall >= 0) || Double.isInfinite(apiCall)) {
            throw new IllegalArgumentException("the API call price must be finite and >= 0");
        }
        this.apiCall = apiCall;
    }

    /**
     * Parses a per-model table {@code model=input/output;model=input/output}, prices in USD per
     * 1,000 tokens, e.g. {@code gpt-4o=0.0025/0.01;claude-3-haiku=0.00025/0.00125}. Blank is none.
     */
    public static Map<String, TokenPrice> parseModels(String table) {
        Map<String, TokenPrice> models = new LinkedHashMap<>();
        if (table == null || table.isBlank()) {
            return models;
        }
        for (String entry : table.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.lastIndexOf('=');
            int slash = entry.lastIndexOf('/');
            if (eq <= 0 || slash < eq) {
                throw new IllegalArgumentException(
                        "model price '" + entry.trim() + "' is not model=input/output");
            }
            String model = entry.substring(0, eq).trim();
            try {
                models.put(
                        model,
                        new TokenPrice(
                                Double.parseDouble(entry.substring(eq + 1, slash).trim()),
                                Double.parseDouble(entry.substring(slash + 1).trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "model price '" + entry.trim() + "' has a price that is not a number");
            }
        }
        return models;
    }

    /** The cost of an LLM call of {@code model} (null: the default prices). */
    public double llmCall(String model, long inputTokens, long outputTokens) {
        TokenPrice price =
                model == null ? defaultTokens : models.getOrDefault(model, defaultTokens);
        return inputTokens / 1000.0 * price.inputPer1k()
                + outputTokens / 1000.0 * price.outputPer1k();
    }

    /** The cost of one API call. */
    public double apiCall() {
        return apiCall;
    }

    public TokenPrice defaultTokens() {
        return defaultTokens;
    }

    public Map<String, TokenPrice> models() {
        return models;
    }

    @Override
    public String toString() {
        return "CostPricing{default="
                + defaultTokens
                + ", models="
                + models
                + ", apiCall="
                + apiCall
                + "}";
    }
}
