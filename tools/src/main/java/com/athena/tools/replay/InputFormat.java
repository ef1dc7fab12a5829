package com.athena.tools.replay;

import com.athena.common.json.Labeled;
import com.athena.common.market.BarCsv;
import com.athena.common.market.TradeCsv;

import java.util.Arrays;
import java.util.List;

/**
 * What a replayed file holds; its label is the {@code --format} value ({@code bars}, {@code
 * trades}).
 */
enum InputFormat implements Labeled {
    BARS(BarCsv.HEADER),
    TRADES(TradeCsv.HEADER);

    private final String header;

    InputFormat(String header) {
        this.header = header;
    }

    /** The header line such a file starts with. */
    String header() {
        return header;
    }

    /** The {@code --format} values, in declaration order. */
    static List<String> labels() {
        return Arrays.stream(values()).map(Labeled::label).toList();
    }
}
