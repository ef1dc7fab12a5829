package com.athena.common.market;

import com.athena.common.json.Labeled;

/**
 * The market sentiment a fear &amp; greed index falls in; its label is {@link
 * MarketConditions#sentimentLevel}.
 */
public enum Sentiment implements Labeled {
    /** 0-20. */
    EXTREME_FEAR("extreme_fear", 20),
    /** 21-40. */
    BEARISH("bearish", 40),
    /** 41-60. */
    NEUTRAL("neutral", 60),
    /** 61-80. */
    BULLISH("bullish", 80),
    /** 81-100. */
    EXTREME_GREED("extreme_greed", Integer.MAX_VALUE);

    private final String label;
    private final int upTo;

    Sentiment(String label, int upTo) {
        this.label = label;
        this.upTo = upTo;
    }

    @Override
    public String label() {
        return label;
    }

    /** The band of a fear &amp; greed index: the first whose upper bound it does not pass. */
    public static Sentiment of(int fearGreedIndex) {
        for (Sentiment s : values()) {
            if (fearGreedIndex <= s.upTo) {
                return s;
            }
        }
        throw new AssertionError("EXTREME_GREED has no upper bound");
    }
}
