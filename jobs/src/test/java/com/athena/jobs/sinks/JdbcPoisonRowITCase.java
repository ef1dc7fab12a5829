package com.athena.jobs.sinks;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcErrors;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.jobs.market.MarketDataRows;
import com.athena.jobs.market.MarketJdbcSinks;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.ReliabilityReport;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A row the database refuses for its content (here a symbol longer than market_data's VARCHAR(32),
 * SQLState 22001) among good rows in the same batches: it goes to the dead_letters table with the
 * database's reason, every good row arrives, and the job finishes without a restart, instead of
 * retrying, failing over and replaying the same batch until its restarts run out.
 */
@RequiresServices({RealService.TIMESCALEDB})
class JdbcPoisonRowITCase {
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(REPORTER);

    private static MarketBar row(String symbol, long open, double close) {
        return new MarketBar(
                new Bar(symbol, "1m", open, close, close, close, close, 1, 1),
                new IndicatorValues());
    }

    @Test
    void aRefusedRowIsADeadLetterAndTheOthersArrive() throws Exception {
        JdbcEndpoint db = JdbcEndpoint.timescale(ServiceEnvironment.load());
        try (Connection c = db.open()) {
            TestSchema.apply(c);
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        String symbol = "POI" + run.toUpperCase();
        String poisonSymbol = symbol + "-" + "X".repeat(40);
        List<MarketBar> input = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            input.add(row(symbol, i * 60_000L, 100 + i));
            if (i == 150) {
                input.add(row(poisonSymbol, i * 60_000L, 1));
            }
        }

        Configuration config = CommonOptions.fromArgs(new String[0]);
        // The shipped restart strategy (flink-conf/config.yaml): a crash loop would use it up.
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        env.fromData(input, TypeInformation.of(MarketBar.class))
                .uid("rows")
                .sinkTo(
                        MarketJdbcSinks.marketData(
                                db,
                                CommonOptions.jdbcExecution(
                                        new Configuration()), // the shipped batching: 1000 rows
                                run))
                .uid("sink");
        JobExecutionResult result = env.execute("jdbc-poison-row-it");

        long restarts = MiniClusters.restarts(REPORTER, result.getJobID());
        int rows;
        List<String[]> letters = new ArrayList<>();
        try (Connection c = db.open()) {
            rows = MarketDataRows.read(c, symbol, "1m", run, 0).size();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT reason, payload FROM dead_letters WHERE source = ? AND origin"
                                    + " LIKE ?")) {
                ps.setString(1, JdbcErrors.DEAD_LETTER_SOURCE);
                ps.setString(2, "market_data:%" + poisonSymbol + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        letters.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
        }
        ReliabilityReport.record(
                new ReliabilityReport.Entry(
                        "poison-value",
                        "300 market_data rows, batches of 1000, shipped restart strategy",
                        "one row PostgreSQL refuses (SQLState 22001); restarts: " + restarts,
                        1,
                        300 - rows + (letters.isEmpty() ? 1 : 0),
                        Math.max(0, letters.size() - 1),
                        "The refused row must be one dead letter in dead_letters with the"
                                + " database's reason; the 300 others must all be written."));

        assertThat(restarts).isZero();
        assertThat(rows).isEqualTo(300);
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0)[0]).contains("22001");
        assertThat(letters.get(0)[1]).contains(poisonSymbol);
    }
}
