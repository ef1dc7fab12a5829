package com.athena.jobs.sql;

import com.athena.common.indicators.Bollinger;

/**
 * {@code BB_MIDDLE(close, n, k)}: the simple moving average of the last n closes, as TA-Lib's
 * {@code TA_BBANDS} computes it (see {@link BollingerFunction}).
 */
public class BollingerMiddleFunction extends BollingerFunction {
    @Override
    String name() {
        return "BB_MIDDLE";
    }

    @Override
    double band(Bollinger bollinger) {
        return bollinger.middle();
    }
}
