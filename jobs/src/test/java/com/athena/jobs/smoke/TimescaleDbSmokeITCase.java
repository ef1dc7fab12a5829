package com.athena.jobs.smoke;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.market.Trade;
import com.athena.common.sql.SchemaMigrator;
import com.athena.jobs.market.MarketJdbcSinks;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The migrations create hypertables on the real TimescaleDB service, and a Flink JDBC sink upserts
 * into one: replayed rows do not duplicate.
 */
@RequiresServices(RealService.TIMESCALEDB)
class TimescaleDbSmokeITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    @Test
    void hypertableIsCreatedAndUpserted() throws Exception {
        JdbcEndpoint timescale = JdbcEndpoint.timescale(ServiceEnvironment.load());
        String symbol = "TSDB" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();

        try (Connection c = timescale.open()) {
            SchemaMigrator.apply(c);
            // Twice: the migrations are idempotent.
            SchemaMigrator.apply(c);
            try (Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery(
                                    "SELECT hypertable_name FROM timescaledb_information.hypertables"
                                            + " WHERE hypertable_name IN ('trades', 'dead_letters')"
                                            + " ORDER BY 1")) {
                List<String> names = new ArrayList<>();
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
                assertThat(names).containsExactly("dead_letters", "trades");
            }
        }

        List<Trade> trades = new ArrayList<>();
        long day = 86_400_000L;
        for (int i = 0; i < 30; i++) {
            // Spread over three days so that three chunks exist.
            trades.add(
                    new Trade(
                            symbol,
                            1_700_000_000_000L + (i % 3) * day + i,
                            100 + i,
                            1,
                            "id" + i,
                            "smoke"));
        }
        // A replay of the first ten must not duplicate them.
        trades.addAll(trades.subList(0, 10));

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(1);
        env.fromData(Trade.class, trades.toArray(new Trade[0]))
                .uid("trades")
                .sinkTo(
                        MarketJdbcSinks.trades(
                                timescale, JdbcExecutionOptions.builder().withBatchSize(7).build()))
                .uid("timescale-sink");
        env.execute("smoke-timescaledb");

        try (Connection c = timescale.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*), sum(price), count(DISTINCT time_bucket('1 day', ts))"
                                        + " FROM trades WHERE symbol = ?")) {
            ps.setString(1, symbol);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(30);
                assertThat(rs.getDouble(2)).isEqualTo(30 * 100 + 29 * 30 / 2.0);
                assertThat(rs.getLong(3)).isEqualTo(3);
            }
        }
    }
}
