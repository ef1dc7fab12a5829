package com.athena.jobs.sql;

import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.OhlcvAccumulator;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SQL functions as the planner calls them (accumulate per row, getValue after each), against
 * the market job's own classes: the same values bit for bit, the same tie rules, and accumulators
 * that Flink stores as structured types, never as Kryo-serialized RAW values.
 */
class SqlFunctionsTest {

    /** A random walk around 1,000 with a flat stretch (RSI's zero-division guard). */
    private static List<Double> closes(int n, long seed) {
        Random random = new Random(seed);
        List<Double> closes = new ArrayList<>();
        double price = 1000;
        for (int i = 0; i < n; i++) {
            if (i < 40 || i > 60) {
                price = Math.max(1, price + random.nextGaussian() * 7);
            }
            closes.add(price);
        }
        return closes;
    }

    private static long bits(Double value) {
        return Double.doubleToLongBits(value);
    }

    private static void sameAsJob(Double sql, double job, String what, int bar) {
        if (Double.isNaN(job)) {
            assertThat(sql).as("%s at bar %d is NULL while warming up", what, bar).isNull();
        } else {
            assertThat(sql).as("%s at bar %d", what, bar).isNotNull();
            assertThat(bits(sql))
                    .as("%s at bar %d: %s vs %s", what, bar, sql, job)
                    .isEqualTo(Double.doubleToLongBits(job));
        }
    }

    @Test
    void indicatorsEqualTheJobsIndicatorStateBitForBit() {
        EmaFunction ema = new EmaFunction();
        RsiFunction rsi = new RsiFunction();
        BollingerFunction upper = new BollingerUpperFunction();
        BollingerFunction middle = new BollingerMiddleFunction();
        BollingerFunction lower = new BollingerLowerFunction();
        EmaFunction.Accumulator ema9 = ema.createAccumulator();
        EmaFunction.Accumulator ema200 = ema.createAccumulator();
        RsiFunction.Accumulator rsi14 = rsi.createAccumulator();
        BollingerFunction.Accumulator up = upper.createAccumulator();
        BollingerFunction.Accumulator mid = middle.createAccumulator();
        BollingerFunction.Accumulator low = lower.createAccumulator();

        IndicatorState job = new IndicatorState();
        IndicatorValues out = new IndicatorValues();
        List<Double> closes = closes(600, 7);
        for (int i = 0; i < closes.size(); i++) {
            double c = closes.get(i);
            job.update(c, c, c, c, out);
            ema.accumulate(ema9, c, 9);
            ema.accumulate(ema200, c, 200);
            rsi.accumulate(rsi14, c, 14);
            upper.accumulate(up, c, 20, 2.0);
            middle.accumulate(mid, c, 20, 2.0);
            lower.accumulate(low, c, 20, 2.0);
            sameAsJob(ema.getValue(ema9), out.ema9, "EMA 9", i);
            sameAsJob(ema.getValue(ema200), out.ema200, "EMA 200", i);
            sameAsJob(rsi.getValue(rsi14), out.rsi14, "RSI 14", i);
            sameAsJob(upper.getValue(up), out.bbUpper, "BB upper", i);
            sameAsJob(middle.getValue(mid), out.bbMiddle, "BB middle", i);
            sameAsJob(lower.getValue(low), out.bbLower, "BB lower", i);
        }
        assertThat(ema.getValue(ema200)).isNotNull();
        assertThat(rsi.getValue(rsi14)).isNotNull();
    }

    /**
     * In batch mode an OVER window may be ordered by any column, so the functions also recompute
     * indicators over history read from a table (market_data). The rows come in shuffled (from a
     * JSON file: Jackson reads each double back exactly); BB's k is given as an INT literal here
     * (an implicit cast to DOUBLE).
     */
    @Test
    void indicatorsRunInBatchOverWindowsOrderedByAnyColumn(@TempDir Path dir) throws Exception {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        tEnv.getConfig().set("pipeline.generic-types", "false");
        tEnv.getConfig().set("parallelism.default", "1");
        for (String f :
                List.of(
                        "EMA AS 'com.athena.jobs.sql.EmaFunction'",
                        "RSI AS 'com.athena.jobs.sql.RsiFunction'",
                        "BB_LOWER AS 'com.athena.jobs.sql.BollingerLowerFunction'")) {
            tEnv.executeSql("CREATE TEMPORARY SYSTEM FUNCTION " + f);
        }
        List<Double> closes = closes(300, 3);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < closes.size(); i++) {
            lines.add("{\"i\":" + i + ",\"c\":" + closes.get(i) + "}");
        }
        java.util.Collections.shuffle(lines, new Random(5));
        Path file = dir.resolve("closes.json");
        Files.write(file, lines);
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE closes (i INT, c DOUBLE) WITH ('connector' ="
                        + " 'filesystem', 'path' = '"
                        + file.toUri()
                        + "', 'format' = 'json')");
        List<org.apache.flink.types.Row> rows = new ArrayList<>();
        try (var it =
                tEnv.executeSql(
                                "SELECT i, EMA(c, 9) OVER w, RSI(c, 14) OVER w,"
                                        + " BB_LOWER(c, 20, 2) OVER w FROM closes WINDOW w AS"
                                        + " (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND"
                                        + " CURRENT ROW)")
                        .collect()) {
            it.forEachRemaining(rows::add);
        }
        rows.sort(java.util.Comparator.comparingInt(r -> (Integer) r.getField(0)));
        assertThat(rows).hasSize(closes.size());
        IndicatorState job = new IndicatorState();
        IndicatorValues out = new IndicatorValues();
        for (int i = 0; i < closes.size(); i++) {
            double c = closes.get(i);
            job.update(c, c, c, c, out);
            sameAsJob((Double) rows.get(i).getField(1), out.ema9, "EMA 9", i);
            sameAsJob((Double) rows.get(i).getField(2), out.rsi14, "RSI 14", i);
            sameAsJob((Double) rows.get(i).getField(3), out.bbLower, "BB lower", i);
        }
    }

    @Test
    void nullClosesAreSkippedAndNothingSeenIsNull() {
        EmaFunction ema = new EmaFunction();
        EmaFunction.Accumulator acc = ema.createAccumulator();
        assertThat(ema.getValue(acc)).isNull();
        ema.accumulate(acc, 1.0, 2);
        ema.accumulate(acc, null, 2);
        ema.accumulate(acc, 3.0, 2);
        assertThat(ema.getValue(acc)).isEqualTo(2.0);
    }

    @Test
    void parametersMustStayTheSameWithinAPartition() {
        EmaFunction ema = new EmaFunction();
        EmaFunction.Accumulator acc = ema.createAccumulator();
        ema.accumulate(acc, 1.0, 9);
        assertThatThrownBy(() -> ema.accumulate(acc, 1.0, 10))
                .hasMessageContaining("EMA: the period must be the same");
        BollingerFunction bb = new BollingerUpperFunction();
        BollingerFunction.Accumulator bands = bb.createAccumulator();
        bb.accumulate(bands, 1.0, 20, 2.0);
        assertThatThrownBy(() -> bb.accumulate(bands, 1.0, 20, 2.5))
                .hasMessageContaining("BB_UPPER: the deviation multiplier");
        RsiFunction rsi = new RsiFunction();
        assertThatThrownBy(() -> rsi.accumulate(rsi.createAccumulator(), 1.0, 1))
                .hasMessageContaining("RSI period");
        assertThatThrownBy(() -> rsi.accumulate(rsi.createAccumulator(), 1.0, null))
                .hasMessageContaining("RSI: the period is NULL");
    }

    @Test
    void firstAndLastByTimeAreTheJobsOpenAndClose() {
        Random random = new Random(11);
        FirstByTimeFunction first = new FirstByTimeFunction();
        LastByTimeFunction last = new LastByTimeFunction();
        for (int run = 0; run < 200; run++) {
            OhlcvAccumulator job = new OhlcvAccumulator();
            OhlcvAccumulator jobPart = new OhlcvAccumulator();
            ByTimeFunction.Accumulator open = first.createAccumulator();
            ByTimeFunction.Accumulator close = last.createAccumulator();
            ByTimeFunction.Accumulator openPart = first.createAccumulator();
            ByTimeFunction.Accumulator closePart = last.createAccumulator();
            int n = 1 + random.nextInt(30);
            int split = random.nextInt(n + 1);
            for (int i = 0; i < n; i++) {
                // Whole seconds in a small range: many ties, much disorder.
                long ts = 1_700_000_000_000L + random.nextInt(5) * 1000L;
                double price = 100 + i;
                Instant at = Instant.ofEpochMilli(ts);
                if (i < split) {
                    job.add(ts, price, 1);
                    first.accumulate(open, price, at);
                    last.accumulate(close, price, LocalDateTime.ofInstant(at, ZoneOffset.UTC));
                } else {
                    jobPart.add(ts, price, 1);
                    first.accumulate(openPart, price, at);
                    last.accumulate(closePart, price, at);
                }
            }
            // Merging treats the second part as later arrivals, as the job's merge does.
            job.merge(jobPart);
            first.merge(open, List.of(openPart));
            last.merge(close, List.of(closePart));
            assertThat(first.getValue(open)).isEqualTo(job.open);
            assertThat(last.getValue(close)).isEqualTo(job.close);
            assertThat(open.count).isEqualTo(n);
        }
        ByTimeFunction.Accumulator empty = first.createAccumulator();
        first.accumulate(empty, null, Instant.EPOCH);
        first.accumulate(empty, 1.0, (Instant) null);
        assertThat(first.getValue(empty)).isNull();
    }

    @Test
    void eventTimesFollowTheJobsRules() {
        ParseEventTimeFunction parse = new ParseEventTimeFunction();
        assertThat(parse.eval("1705312800000")).isEqualTo(Instant.parse("2024-01-15T10:00:00Z"));
        assertThat(parse.eval("2024-01-15T10:00:00.123Z"))
                .isEqualTo(Instant.parse("2024-01-15T10:00:00.123Z"));
        assertThat(parse.eval(null)).isNull();
        assertThat(parse.eval("yesterday")).isNull();
        assertThat(parse.eval("")).isNull();
        assertThat(parse.eval("1000")).as("before 2009").isNull();
        assertThat(parse.eval("99999999999999999999")).as("not a long").isNull();
        assertThat(parse.eval(Long.toString(System.currentTimeMillis() + 2 * 86_400_000L)))
                .as("more than a day ahead")
                .isNull();
        assertThat(
                        parse.eval(
                                Long.toString(
                                        System.currentTimeMillis()
                                                + Duration.ofHours(1).toMillis())))
                .isNotNull();
        assertThat(parse.isDeterministic()).isFalse();
    }

    @Test
    void accumulatorsAreStructuredTypesNotRaw() {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        DataTypeFactory types =
                ((TableEnvironmentInternal) tEnv).getCatalogManager().getDataTypeFactory();
        for (Class<?> accumulator :
                List.of(
                        EmaFunction.Accumulator.class,
                        RsiFunction.Accumulator.class,
                        BollingerFunction.Accumulator.class,
                        ByTimeFunction.Accumulator.class)) {
            DataType type = types.createDataType(accumulator);
            assertThat(type.getLogicalType().getTypeRoot())
                    .as(accumulator.getName())
                    .isEqualTo(LogicalTypeRoot.STRUCTURED_TYPE);
            assertNoRaw(type.getLogicalType(), accumulator.getName());
        }
    }

    private static void assertNoRaw(LogicalType type, String where) {
        assertThat(type.getTypeRoot()).as(where + ": " + type).isNotEqualTo(LogicalTypeRoot.RAW);
        type.getChildren().forEach(child -> assertNoRaw(child, where));
    }
}
