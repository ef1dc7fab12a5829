package com.athena.jobs.sinks;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.MarketDataRows;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.sql.SchemaMigrator;
import com.athena.common.testing.RealService;
import com.athena.common.testing.RequiresServices;
import com.athena.jobs.MiniClusters;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The market_data sink on real PostgreSQL: batched upserts on (symbol, timeframe, ts) where the
 * same key several times within one batch keeps the last row (PostgreSQL refuses a multi-row upsert
 * touching a row twice), and a replay leaves exactly the rows of one run.
 */
@RequiresServices(RealService.POSTGRES)
class MarketDataUpsertITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    private static MarketBar row(String symbol, long open, double close) {
        IndicatorValues v = new IndicatorValues();
        v.ema9 = close - 1;
        return new MarketBar(new Bar(symbol, "1m", open, close, close, close, close, 1, 1), v);
    }

    @Test
    void duplicateKeysWithinABatchKeepTheLastRow() throws Exception {
        JdbcEndpoint postgres = JdbcEndpoint.postgres(ServiceEnvironment.load());
        String symbol = "UPS" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        try (Connection c = postgres.open()) {
            SchemaMigrator.apply(c);
        }
        List<MarketBar> input = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            input.add(row(symbol, i * 60_000L, 100 + i));
        }
        // Later versions of ten keys, in the same batch as the first.
        for (int i = 0; i < 10; i++) {
            input.add(row(symbol, i * 60_000L, 500 + i));
            input.add(row(symbol, i * 60_000L, 900 + i));
        }

        for (int run = 0; run < 2; run++) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromData(input, TypeInformation.of(MarketBar.class))
                    .uid("rows")
                    .sinkTo(
                            JdbcSinks.marketData(
                                    postgres,
                                    JdbcExecutionOptions.builder().withBatchSize(1000).build(),
                                    "upsert-it"))
                    .uid("sink");
            env.execute("market-data-upsert-it");
        }

        try (Connection c = postgres.open()) {
            List<MarketBar> rows = MarketDataRows.read(c, symbol, "1m", "upsert-it", 0);
            assertThat(rows).hasSize(50);
            for (int i = 0; i < 50; i++) {
                double expected = i < 10 ? 900 + i : 100 + i;
                assertThat(rows.get(i).bar.close).as("bar %d", i).isEqualTo(expected);
                assertThat(rows.get(i).indicators.ema9).isEqualTo(expected - 1);
                assertThat(rows.get(i).indicators.rsi14).isNaN();
            }
        }
    }
}
