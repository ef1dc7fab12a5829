package com.athena.common.market;

import com.athena.common.json.Labeled;

/**
 * The market sentiment a fear &amp; greed index falls in; its {@link #label() label}, the name in
 * lower case ({@code extreme_fear}, {@code bearish}, ...), is {@link
 * MarketConditions#sentimentLevel}.
 */
public enum Sentiment implements Labeled {
    /** 0-20. */
    EXTREME_FEAR(20),
    /** 21-40. */
    BEARISH(40),
    /** 41-60. */
    NEUTRAL(60),
    /** 61-80. */
    BULLISH(80),
    /** 81-100. */
    EXTREME_GREED(Integer.MAX_VALUE);

    /** The highest index in the band. */
    private final int upTo;

    Sentiment(int upTo) {
        this.upTo = upTo;
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
