package com.athena.jobs.sql;

import com.athena.common.indicators.Bollinger;

/**
 * {@code BB_UPPER(close, n, k)}: the middle band plus k population standard deviations, as TA-Lib's
 * {@code TA_BBANDS} computes it (see {@link BollingerFunction}).
 */
public class BollingerUpperFunction extends BollingerFunction {
    @Override
    String name() {
        return "BB_UPPER";
    }

    @Override
    double band(Bollinger bollinger) {
        return bollinger.upper();
    }
}
