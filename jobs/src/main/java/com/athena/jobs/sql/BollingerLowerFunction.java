package com.athena.jobs.sql;

import com.athena.common.indicators.Bollinger;

/**
 * {@code BB_LOWER(close, n, k)}: the middle band minus k population standard deviations, as
 * TA-Lib's {@code TA_BBANDS} computes it (see {@link BollingerFunction}).
 */
public class BollingerLowerFunction extends BollingerFunction {
    @Override
    String name() {
        return "BB_LOWER";
    }

    @Override
    double band(Bollinger bollinger) {
        return bollinger.lower();
    }
}
