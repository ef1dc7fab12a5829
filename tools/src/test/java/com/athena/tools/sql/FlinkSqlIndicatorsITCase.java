package com.athena.tools.sql;

import com.athena.common.json.InvalidRecordException;
import com.athena.common.market.Trade;
import com.athena.common.market.TradeCsv;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;
import com.athena.tools.replay.IndicatorCsv;
import com.athena.tools.replay.ReplayMain;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The indicator functions of {@code sql/flink}, on the bars SQL builds from the 100,000 real
 * Bitstamp trades sent through Kafka, equal the market job's values on the same trades (the
 * production graph, run by {@link ReplayMain}) bit for bit, and so do the bars.
 */
@RequiresServices({RealService.KAFKA, RealService.POSTGRES})
class FlinkSqlIndicatorsITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    private static final String SYMBOL = "BTC/USD";

    /** The columns compared, as named in the replay CSV and in bar_indicators. */
    private static final List<String> COLUMNS =
            List.of(
                    "open",
                    "high",
                    "low",
                    "close",
                    "volume",
                    "ema_9",
                    "ema_21",
                    "ema_50",
                    "ema_200",
                    "rsi_14",
                    "bb_upper",
                    "bb_middle",
                    "bb_lower");

    @Test
    void sqlIndicatorsEqualTheMarketJobsBitForBit(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bitstamp.csv");
        try (InputStream in =
                getClass().getResourceAsStream("/bitstamp_trades_from_20131125_usd.csv")) {
            Files.copy(in, csv);
        }
        List<String> json = new ArrayList<>();
        long last = 0;
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            Trade trade;
            try {
                trade = TradeCsv.parse(line, SYMBOL, "bitstamp");
            } catch (InvalidRecordException e) {
                continue; // the replay refuses the same lines
            }
            json.add(
                    String.format(
                            "{\"symbol\":\"%s\",\"ts\":%d,\"price\":%s,\"size\":%s}",
                            SYMBOL,
                            trade.ts,
                            Double.toString(trade.price),
                            Double.toString(trade.size)));
            last = Math.max(last, trade.ts);
        }
        // Another symbol two days on moves the watermark past every bar of the data set.
        json.add(
                String.format(
                        "{\"symbol\":\"SENTINEL\",\"ts\":%d,\"price\":1,\"size\":1}",
                        last + Duration.ofDays(2).toMillis()));

        Map<String, Map<LocalDateTime, String[]>> expected = new HashMap<>();
        int total = 0;
        for (String tf : List.of("1m", "15m")) {
            Path out = dir.resolve("replay-" + tf + ".csv");
            int status =
                    ReplayMain.run(
                            new String[] {
                                "indicators",
                                "--input",
                                csv.toString(),
                                "--format",
                                "trades",
                                "--symbol",
                                SYMBOL,
                                "--timeframe",
                                tf,
                                "--out",
                                out.toString()
                            },
                            new PrintStream(
                                    java.io.OutputStream.nullOutputStream(),
                                    true,
                                    StandardCharsets.UTF_8));
            assertThat(status).isZero();
            Map<LocalDateTime, String[]> rows = new HashMap<>();
            List<String> replayed = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertThat(replayed.get(0)).isEqualTo(IndicatorCsv.HEADER);
            for (String line : replayed.subList(1, replayed.size())) {
                String[] cells = line.split(",", -1);
                rows.put(LocalDateTime.ofInstant(Instant.parse(cells[2]), ZoneOffset.UTC), cells);
            }
            expected.put(tf, rows);
            total += rows.size();
        }
        // Enough bars that EMA 200 warms up at both timeframes.
        assertThat(expected.get("15m")).hasSizeGreaterThan(300);

        List<String> header = Arrays.asList(IndicatorCsv.HEADER.split(","));
        try (SqlTestServices services = new SqlTestServices()) {
            services.createTopics("TRADES_TOPIC");
            services.produce("TRADES_TOPIC", SYMBOL, json);
            try (FlinkSqlSession session =
                    new FlinkSqlSession(services.variables()).runAllFiles()) {
                List<Row> rows =
                        session.first(
                                "SELECT timeframe, ts, "
                                        + String.join(
                                                ", ",
                                                COLUMNS.stream().map(c -> "`" + c + "`").toList())
                                        + " FROM bar_indicators WHERE symbol = '"
                                        + SYMBOL
                                        + "' AND timeframe IN ('1m', '15m')",
                                total,
                                Duration.ofMinutes(5));
                assertThat(rows).hasSize(total);
                int compared = 0;
                for (Row row : rows) {
                    String tf = (String) row.getField(0);
                    LocalDateTime ts = (LocalDateTime) row.getField(1);
                    String[] reference = expected.get(tf).remove(ts);
                    assertThat(reference).as("a bar the job has: %s %s", tf, ts).isNotNull();
                    for (int i = 0; i < COLUMNS.size(); i++) {
                        String cell = reference[header.indexOf(COLUMNS.get(i))];
                        Double actual = (Double) row.getField(i + 2);
                        if (cell.isEmpty()) {
                            assertThat(actual).as("%s %s %s", tf, ts, COLUMNS.get(i)).isNull();
                        } else {
                            assertThat(actual).as("%s %s %s", tf, ts, COLUMNS.get(i)).isNotNull();
                            // Bit for bit: the same double, not merely a close one.
                            assertThat(Double.doubleToLongBits(actual))
                                    .as(
                                            "%s %s %s: %s vs the job's %s",
                                            tf, ts, COLUMNS.get(i), actual, cell)
                                    .isEqualTo(Double.doubleToLongBits(Double.parseDouble(cell)));
                            compared++;
                        }
                    }
                }
                assertThat(expected.get("1m")).isEmpty();
                assertThat(expected.get("15m")).isEmpty();
                // Warm values of every indicator were compared, not only the empty warm-up.
                assertThat(compared).isGreaterThan(total * 10);
            }
        }
    }
}
