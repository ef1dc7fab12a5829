package com.athena.tools.replay;

import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.RegimeThresholds;
import com.athena.common.market.Bar;
import com.athena.common.market.OhlcvAccumulator;
import com.athena.common.market.Timeframe;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The replay CLI's contract, run on the real Bitstamp trades through the production graph in a
 * local MiniCluster: the exact header, one row per bar in time order, empty cells before warm-up,
 * values equal to a direct computation, bad rows on stderr by line number.
 */
class ReplayCliTest {
    private static Path trades;
    private static List<Bar> expectedBars;

    @TempDir static Path dir;

    @BeforeAll
    static void realTrades() throws Exception {
        trades = dir.resolve("trades.csv");
        try (InputStream in =
                ReplayCliTest.class.getResourceAsStream("/bitstamp_trades_from_20131125_usd.csv")) {
            Files.copy(in, trades);
        }
        // The bars computed directly, without Flink: valid trades grouped by UTC hour.
        Map<Long, OhlcvAccumulator> hours = new TreeMap<>();
        List<String> lines = Files.readAllLines(trades);
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            long ts = Long.parseLong(c[0]) * 1000;
            double price = Double.parseDouble(c[1]);
            double size = Double.parseDouble(c[2]);
            if (size > 0) {
                hours.computeIfAbsent(Timeframe.H1.windowStart(ts), h -> new OhlcvAccumulator())
                        .add(ts, price, size);
            }
        }
        expectedBars = new ArrayList<>();
        hours.forEach((start, acc) -> expectedBars.add(acc.toBar("BTC-USD", Timeframe.H1, start)));
    }

    private static String[] run(String... args) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayMain.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isZero();
        return err.toString(StandardCharsets.UTF_8).split("\n");
    }

    private static List<String[]> rows(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo(IndicatorCsv.HEADER);
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            rows.add(line.split(",", -1));
        }
        return rows;
    }

    @Test
    void tradesBecomeHourlyBarsWithExactIndicators() throws Exception {
        Path out = dir.resolve("out-1h.csv");
        String[] err =
                run(
                        "indicators",
                        "--input",
                        trades.toString(),
                        "--format",
                        "trades",
                        "--symbol",
                        "BTC-USD",
                        "--timeframe",
                        "1h",
                        "--out",
                        out.toString());

        // The data set holds 18 trades of size 0: each reported by its line number, then counted.
        assertThat(err).hasSize(19);
        assertThat(err[0]).isEqualTo(trades + ":1375: amount must be positive and finite");
        assertThat(err[18]).isEqualTo("replay: 18 bad rows");

        List<String[]> rows = rows(out);
        assertThat(rows).hasSize(expectedBars.size()).hasSize(161);
        IndicatorState state = new IndicatorState(Timeframe.H1, RegimeThresholds.DEFAULT);
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            Bar bar = expectedBars.get(i);
            IndicatorValues v = new IndicatorValues();
            state.update(bar, v);
            assertThat(r).hasSize(22);
            assertThat(r[0]).isEqualTo("BTC-USD");
            assertThat(r[1]).isEqualTo("1h");
            assertThat(r[2]).isEqualTo(Instant.ofEpochMilli(bar.openTime).toString());
            assertThat(Double.parseDouble(r[3])).isEqualTo(bar.open);
            assertThat(Double.parseDouble(r[6])).isEqualTo(bar.close);
            assertThat(Double.parseDouble(r[7])).isEqualTo(bar.volume);
            double[] expected = v.toArray();
            for (int k = 0; k < expected.length; k++) {
                if (Double.isNaN(expected[k])) {
                    assertThat(r[8 + k]).as("row %d column %d", i, 8 + k).isEmpty();
                } else {
                    // Full precision: the text reads back as the very same double.
                    assertThat(Double.parseDouble(r[8 + k]))
                            .as("row %d column %d", i, 8 + k)
                            .isEqualTo(expected[k]);
                }
            }
            assertThat(r[20]).isEqualTo(v.trendDirection == null ? "" : v.trendDirection.label());
            assertThat(r[21])
                    .isEqualTo(v.volatilityRegime == null ? "" : v.volatilityRegime.label());
        }
        assertThat(rows.get(7)[8]).isEmpty();
        assertThat(rows.get(8)[8]).isNotEmpty();
        // Only 161 hourly bars: EMA 200 never warms up.
        assertThat(rows).allSatisfy(r -> assertThat(r[11]).isEmpty());
    }

    @Test
    void aTradeDatedAheadOfTheWallClockIsABadRowAndChangesNoBar() throws Exception {
        // The case: one trade two hours ahead of the wall clock in the middle of the
        // 2013 file. It must not move the watermark (every later trade would be late) and must
        // not end the run with a usage error.
        List<String> lines = new ArrayList<>(Files.readAllLines(trades));
        int middle = lines.size() / 2;
        long ahead = (System.currentTimeMillis() + 2 * 3_600_000L) / 1000;
        lines.add(middle, ahead + ",1032.23,0.50063939");
        Path withFuture = dir.resolve("trades-with-future.csv");
        Files.write(withFuture, lines);
        Path out = dir.resolve("out-future-1h.csv");
        String[] err =
                run(
                        "indicators",
                        "--input",
                        withFuture.toString(),
                        "--format",
                        "trades",
                        "--symbol",
                        "BTC-USD",
                        "--timeframe",
                        "1h",
                        "--out",
                        out.toString());

        // The 18 trades of size 0 and the future one, by line number (1-based, header first).
        assertThat(err).hasSize(20);
        assertThat(err)
                .anyMatch(
                        l ->
                                l.startsWith(withFuture + ":" + (middle + 1) + ": event time ")
                                        && l.contains("ahead of the wall clock"));
        assertThat(err[19]).isEqualTo("replay: 19 bad rows");
        List<String[]> rows = rows(out);
        assertThat(rows).hasSize(expectedBars.size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(Double.parseDouble(rows.get(i)[6])).isEqualTo(expectedBars.get(i).close);
            assertThat(Double.parseDouble(rows.get(i)[7])).isEqualTo(expectedBars.get(i).volume);
        }
    }

    @Test
    void barsInputGivesTheSameIndicatorsAsTheTradesItCameFrom() throws Exception {
        Path fromTrades = dir.resolve("from-trades.csv");
        run(
                "indicators",
                "--input",
                trades.toString(),
                "--format",
                "trades",
                "--symbol",
                "BTC-USD",
                "--timeframe",
                "1h",
                "--out",
                fromTrades.toString());
        List<String[]> expected = rows(fromTrades);

        Path bars = dir.resolve("bars.csv");
        List<String> lines = new ArrayList<>();
        lines.add("ts,open,high,low,close,volume");
        for (int i = 0; i < expected.size(); i++) {
            String[] r = expected.get(i);
            lines.add(String.join(",", r[2], r[3], r[4], r[5], r[6], r[7]));
            if (i == 10) {
                lines.add("2013-11-25T10:30:00Z,1,1,1,1,1"); // not an hour's open time
                lines.add("2013-11-25T11:00:00Z,10,9,11,10,1"); // high below low
                lines.add("garbage");
            }
        }
        Files.write(bars, lines);
        Path out = dir.resolve("out-bars.csv");
        String[] err =
                run(
                        "indicators",
                        "--input",
                        bars.toString(),
                        "--format",
                        "bars",
                        "--symbol",
                        "BTC-USD",
                        "--timeframe",
                        "1h",
                        "--out",
                        out.toString());

        assertThat(err)
                .containsExactly(
                        bars + ":13: ts 2013-11-25T10:30:00Z is not the open time of a 1h bar",
                        bars + ":14: high/low do not bound open and close",
                        bars + ":15: expected 6 cells, got 1",
                        "replay: 3 bad rows");
        List<String[]> actual = rows(out);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i)).as("row %d", i).isEqualTo(expected.get(i));
        }
    }

    @Test
    void wrongArgumentsAndHeadersAreRefusedWithAClearMessage() throws Exception {
        assertThatThrownBy(
                        () ->
                                ReplayMain.run(
                                        new String[] {"indicators", "--input", trades.toString()},
                                        System.err))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--format is required");
        assertThatThrownBy(
                        () ->
                                ReplayMain.run(
                                        new String[] {
                                            "indicators",
                                            "--input",
                                            trades.toString(),
                                            "--format",
                                            "bars",
                                            "--symbol",
                                            "X",
                                            "--timeframe",
                                            "1h",
                                            "--out",
                                            "x.csv"
                                        },
                                        System.err))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expects the header 'ts,open,high,low,close,volume'");
        assertThatThrownBy(
                        () ->
                                ReplayMain.run(
                                        new String[] {
                                            "indicators",
                                            "--input",
                                            trades.toString(),
                                            "--format",
                                            "trades",
                                            "--symbol",
                                            "X",
                                            "--timeframe",
                                            "4h",
                                            "--out",
                                            "x.csv"
                                        },
                                        System.err))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--timeframe must be one of 1m|5m|15m|1h|1d");
        assertThatThrownBy(
                        () ->
                                ReplayMain.run(
                                        new String[] {"indicators", "--bogus", "1"}, System.err))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown argument '--bogus'");
    }
}
