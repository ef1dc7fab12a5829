package com.athena.tools.state;

import com.athena.common.indicators.IndicatorState;
import com.athena.common.treasury.TreasuryState;
import com.athena.jobs.market.MarketNames;
import com.athena.jobs.market.MarketState;
import com.athena.jobs.treasury.TreasuryJobState;
import com.athena.jobs.treasury.TreasuryNames;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Prints the keyed state of a savepoint or retained checkpoint as CSV, read with Flink's State
 * Processor API in a local environment: {@code StateReaderMain PATH [UID]}. Known uids: {@code
 * indicators} (the market job, per symbol|timeframe) and {@code treasury} (the treasury job, per
 * agent). {@code StateReaderMain migrate market --from SAVEPOINT --to DIR} migrates a savepoint of
 * the market job's former graph ({@link MarketMigrateMain}).
 */
public final class StateReaderMain {
    private StateReaderMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("migrate")) {
            MarketMigrateMain.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length < 1 || args.length > 2) {
            System.err.println(
                    "usage: bin/state PATH [UID]   (UID: indicators)\n       "
                            + MarketMigrateMain.USAGE);
            System.exit(2);
        }
        String path = args[0];
        String uid = args.length > 1 ? args[1] : MarketNames.INDICATORS;
        KeyedStateReaderFunction<String, String> reader;
        String header;
        if (uid.equals(MarketNames.INDICATORS)) {
            reader = new IndicatorRows();
            header = IndicatorRows.HEADER;
        } else if (uid.equals(TreasuryNames.TREASURY)) {
            reader = new TreasuryRows();
            header = TreasuryRows.HEADER;
        } else {
            System.err.println(
                    "bin/state: unknown uid '"
                            + uid
                            + "'; known: "
                            + MarketNames.INDICATORS
                            + ", "
                            + TreasuryNames.TREASURY);
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(1);
        // RocksDB reads both canonical savepoints and RocksDB's own (incremental) checkpoints.
        SavepointReader savepoint =
                SavepointReader.read(env, path, new EmbeddedRocksDBStateBackend());
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<String> it =
                savepoint
                        .readKeyedState(OperatorIdentifier.forUid(uid), reader)
                        .executeAndCollect()) {
            it.forEachRemaining(rows::add);
        }
        Collections.sort(rows);
        System.out.println(header);
        rows.forEach(System.out::println);
    }

    /** One CSV line per (symbol, timeframe) from the indicators operator's value state. */
    static final class IndicatorRows extends KeyedStateReaderFunction<String, String> {
        static final String HEADER =
                "symbol,timeframe,bar_count,last_open_time,ema_9,ema_21,ema_50,ema_200,rsi_14,macd,macd_signal,bb_upper,bb_middle,bb_lower,atr_14";
        private transient ValueState<IndicatorState> state;

        @Override
        public void open(Configuration parameters) {
            state = getRuntimeContext().getState(MarketState.INDICATORS);
        }

        @Override
        public void readKey(String key, Context ctx, Collector<String> out) throws Exception {
            IndicatorState s = state.value();
            if (s == null) {
                return;
            }
            String[] k = key.split("\\|", 2);
            out.collect(
                    String.join(
                            ",",
                            k[0],
                            k.length > 1 ? k[1] : "",
                            Long.toString(s.barCount),
                            s.lastOpenTime == Long.MIN_VALUE
                                    ? ""
                                    : java.time.Instant.ofEpochMilli(s.lastOpenTime).toString(),
                            num(s.ema9.value),
                            num(s.ema21.value),
                            num(s.ema50.value),
                            num(s.ema200.value),
                            num(s.rsi14.value),
                            num(s.macd.macd),
                            num(s.macd.signal),
                            num(s.bollinger.upper),
                            num(s.bollinger.middle),
                            num(s.bollinger.lower),
                            num(s.atr14.value)));
        }

        static String num(double v) {
            return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%s", v);
        }
    }

    /** One CSV line per agent from the treasury operator's value state. */
    static final class TreasuryRows extends KeyedStateReaderFunction<String, String> {
        static final String HEADER =
                "agent_id,balance_usd,burn_rate_usd_per_day,runway_days,emotional_state,survival_mode,cost_saving,crash_override,open_day,open_day_cost_usd,open_day_cost_count,buffered_events,sequence";
        private transient ValueState<TreasuryState> state;

        @Override
        public void open(Configuration parameters) {
            state = getRuntimeContext().getState(TreasuryJobState.TREASURY);
        }

        @Override
        public void readKey(String agent, Context ctx, Collector<String> out) throws Exception {
            TreasuryState s = state.value();
            if (s == null) {
                return;
            }
            out.collect(
                    String.join(
                            ",",
                            agent,
                            IndicatorRows.num(s.balance),
                            IndicatorRows.num(s.burnRate),
                            IndicatorRows.num(s.runway),
                            s.emotionalState == null ? "" : s.emotionalState.toString(),
                            Boolean.toString(s.survivalMode),
                            Boolean.toString(s.costSavingActive),
                            Boolean.toString(s.crashOverride),
                            s.openDay == TreasuryState.NONE
                                    ? ""
                                    : java.time.LocalDate.ofEpochDay(s.openDay).toString(),
                            IndicatorRows.num(s.openDayCost),
                            Long.toString(s.openDayCostCount),
                            Integer.toString(s.bufferedEvents),
                            Long.toString(s.sequence)));
        }
    }
}
