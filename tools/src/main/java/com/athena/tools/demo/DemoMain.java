package com.athena.tools.demo;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSinks;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.RawRecord;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.jobs.market.MarketDataRows;
import com.athena.jobs.market.MarketJdbcSinks;
import com.athena.jobs.market.MarketJob;
import com.athena.jobs.market.MarketNames;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;
import com.athena.tools.produce.ProduceTradesMain;
import com.athena.tools.setup.SetupMain;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The README's demo: replays the real Bitstamp trades into the local Kafka broker, runs the market
 * job over them into PostgreSQL, shows progress, and ends with a summary and a chart.
 */
public final class DemoMain {
    static final String SYMBOL = "BTC-USD";
    static final String SOURCE = "demo";
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(3);
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

    private DemoMain() {}

    public static void main(String[] args) throws Exception {
        org.apache.flink.api.java.utils.ParameterTool params =
                org.apache.flink.api.java.utils.ParameterTool.fromArgs(args);
        Path input = Paths.get(params.getRequired("input"));
        Path outDir = Paths.get(params.get("out", "target/demo"));
        Files.createDirectories(outDir);

        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        JdbcEndpoint postgres = JdbcEndpoint.postgres(services);
        say("setting up topics and schema");
        SetupMain.main(new String[0]);

        // A fresh topic per run: the demo reads everything in it, once.
        String topic = "market.trades.demo-" + System.currentTimeMillis();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (Connection c = postgres.open();
                PreparedStatement ps =
                        c.prepareStatement("DELETE FROM market_data WHERE source = ?")) {
            ps.setString(1, SOURCE);
            ps.executeUpdate();
        }
        say("producing the trades of " + input.getFileName() + " to Kafka topic " + topic);
        ProduceTradesMain.main(
                new String[] {"--input", input.toString(), "--topic", topic, "--symbol", SYMBOL});

        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(MarketOptions.QUIET_ADVANCE, Duration.ZERO);
        MarketSettings settings = new MarketSettings(config);
        MarketJob.Sources sources =
                new MarketJob.Sources(
                        new MarketJob.Input<>(
                                SourceFactory.of(
                                        KafkaSources.raw(kafka, topic, "athena-demo", true),
                                        org.apache.flink.api.common.typeinfo.TypeInformation.of(
                                                RawRecord.class)),
                                settings.tradeParser::parse,
                                MarketNames.DLQ_TRADES),
                        null,
                        null);
        MarketJob.Sinks sinks =
                new MarketJob.Sinks(
                        List.of(
                                NamedSink.of(
                                        MarketNames.SINK_MARKET_DATA,
                                        MarketJdbcSinks.marketData(
                                                postgres,
                                                CommonOptions.jdbcExecution(config),
                                                SOURCE))),
                        List.of(),
                        List.of(),
                        List.of(
                                NamedSink.of(
                                        MarketNames.SINK_DEAD_LETTERS_KAFKA,
                                        KafkaSinks.deadLetters(kafka, "market.dlq")),
                                NamedSink.of(
                                        MarketNames.SINK_DEAD_LETTERS_JDBC,
                                        JdbcSinks.deadLetters(
                                                postgres, CommonOptions.jdbcExecution(config)))));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        new MarketJob(sources, sinks, settings).build(env);

        long start = System.nanoTime();
        say("running the market job (MiniCluster, parallelism 2)");
        JobClient job = env.executeAsync(MarketNames.JOB_NAME + "-demo");
        CompletableFuture<?> result = job.getJobExecutionResult();
        while (!result.isDone()) {
            try {
                result.get(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() - start > JOB_TIMEOUT.toNanos()) {
                    job.cancel().get(30, TimeUnit.SECONDS);
                    throw new IllegalStateException(
                            "the demo job did not finish within " + JOB_TIMEOUT);
                }
                say(String.format("%5.1fs  bars so far: %s", seconds(start), counts(postgres)));
            }
        }
        result.get();
        say(String.format("job finished in %.1fs", seconds(start)));

        summary(postgres, topic, outDir);
    }

    private static void summary(JdbcEndpoint postgres, String topic, Path outDir) throws Exception {
        System.out.println();
        System.out.println("Bars per timeframe (PostgreSQL market_data): " + counts(postgres));
        System.out.println();
        System.out.println("Last indicator row per timeframe:");
        System.out.printf(
                "  %-4s %-20s %9s %9s %9s %9s %6s %8s %9s %9s %7s %-9s %-6s%n",
                "tf",
                "bar open (UTC)",
                "close",
                "ema_9",
                "ema_21",
                "ema_50",
                "rsi",
                "macd",
                "bb_upper",
                "bb_lower",
                "atr",
                "trend",
                "vol");
        for (Timeframe tf : Timeframe.values()) {
            List<MarketBar> last = rows(postgres, tf, true);
            if (last.isEmpty()) {
                continue;
            }
            Bar b = last.get(0).bar;
            IndicatorValues v = last.get(0).indicators;
            System.out.printf(
                    "  %-4s %-20s %9.2f %9s %9s %9s %6s %8s %9s %9s %7s %-9s %-6s%n",
                    tf.label(),
                    java.time.Instant.ofEpochMilli(b.openTime),
                    b.close,
                    f(v.ema9),
                    f(v.ema21),
                    f(v.ema50),
                    f(v.rsi14),
                    f(v.macd),
                    f(v.bbUpper),
                    f(v.bbLower),
                    f(v.atr14),
                    v.trendDirection == null ? "" : v.trendDirection.label(),
                    v.volatilityRegime == null ? "" : v.volatilityRegime.label());
        }
        try (Connection c = postgres.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT reason, count(*) FROM dead_letters WHERE origin LIKE ? GROUP BY reason ORDER BY 2 DESC")) {
            ps.setString(1, topic + "/%");
            long total = 0;
            List<String> reasons = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    total += rs.getLong(2);
                    reasons.add(rs.getLong(2) + " x " + rs.getString(1));
                }
            }
            System.out.println();
            System.out.println(
                    "Dead letters: "
                            + total
                            + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")"));
        }
        Path png = outDir.resolve("btc-usd-1h.png").toAbsolutePath();
        MarketChart.write(
                rows(postgres, Timeframe.H1, false),
                "BTC/USD 1h, Bitstamp, Nov 25 - Dec 1 2013: candles, EMA 9/21/50, Bollinger 20/2",
                png);
        System.out.println("Chart: " + png);
    }

    private static String f(double value) {
        return Double.isNaN(value) ? "-" : String.format("%.2f", value);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static Map<String, Long> counts(JdbcEndpoint postgres) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Timeframe tf : Timeframe.values()) {
            counts.put(tf.label(), 0L);
        }
        try (Connection c = postgres.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT timeframe, count(*) FROM market_data WHERE source = ? GROUP BY timeframe")) {
            ps.setString(1, SOURCE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    private static List<MarketBar> rows(JdbcEndpoint postgres, Timeframe tf, boolean lastOnly)
            throws SQLException {
        try (Connection c = postgres.open()) {
            return MarketDataRows.read(c, SYMBOL, tf.label(), SOURCE, lastOnly ? 1 : 0);
        }
    }

    private static void say(String message) {
        System.out.println("[demo] " + message);
    }
}
