package com.athena.common.activity;

import java.util.Objects;

/**
 * A decision with what held at its event time: the agent's treasury context (its latest transition
 * at or before the decision) and the market condition (the symbol's latest condition at or before
 * it). Each part is null where nothing was known yet.
 */
public class EnrichedDecision {
    public ActivityEvent decision;

    public String emotionalState;
    public Boolean survivalModeActive;
    public Double daysUntilBankruptcy;

    /** Event time of the transition the context came from; null without one. */
    public Long contextTime;

    public String marketSymbol;
    public String marketTrend;
    public String marketVolatility;

    /** {@link MarketCondition#label()}. */
    public String marketCondition;

    /** Event time of the market condition used; null without one. */
    public Long marketTime;

    public EnrichedDecision() {}

    /** The decision with the given context and condition (either may be null). */
    public static EnrichedDecision of(
            ActivityEvent decision, String symbol, AgentContext context, MarketCondition market) {
        EnrichedDecision d = new EnrichedDecision();
        d.decision = decision;
        d.marketSymbol = symbol;
        if (context != null) {
            d.emotionalState = context.emotionalState;
            d.survivalModeActive = context.survivalModeActive;
            d.daysUntilBankruptcy = context.daysUntilBankruptcy;
            d.contextTime = context.timestamp;
        }
        if (market != null) {
            d.marketTrend = market.trend;
            d.marketVolatility = market.volatility;
            d.marketCondition = market.label();
            d.marketTime = market.timestamp;
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EnrichedDecision)) {
            return false;
        }
        EnrichedDecision d = (EnrichedDecision) o;
        return Objects.equals(decision, d.decision)
                && Objects.equals(emotionalState, d.emotionalState)
                && Objects.equals(survivalModeActive, d.survivalModeActive)
                && Objects.equals(daysUntilBankruptcy, d.daysUntilBankruptcy)
                && Objects.equals(contextTime, d.contextTime)
                && Objects.equals(marketSymbol, d.marketSymbol)
                && Objects.equals(marketTrend, d.marketTrend)
                && Objects.equals(marketVolatility, d.marketVolatility)
                && Objects.equals(marketCondition, d.marketCondition)
                && Objects.equals(marketTime, d.marketTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(decision, emotionalState, marketCondition);
    }

    @Override
    public String toString() {
        return "EnrichedDecision{"
                + decision
                + ' '
                + emotionalState
                + " survival="
                + survivalModeActive
                + " runway="
                + daysUntilBankruptcy
                + ' '
                + marketCondition
                + '}';
    }
}
