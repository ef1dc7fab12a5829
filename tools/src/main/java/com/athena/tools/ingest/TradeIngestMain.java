package com.athena.tools.ingest;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.market.TradeParser;
import com.athena.jobs.market.MarketJdbcSinks;
import com.athena.jobs.market.MarketOptions;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Runs the trade ingest job against the configured services. */
public final class TradeIngestMain {

    private TradeIngestMain() {}

    public static void main(String[] args) throws Exception {
        Configuration config = CommonOptions.fromArgs(args);
        ServiceEnvironment services = ServiceEnvironment.load();
        JdbcEndpoint postgres = JdbcEndpoint.postgres(services);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        new TradeIngestJob(
                        KafkaSources.raw(
                                KafkaEndpoint.from(services),
                                config.get(MarketOptions.TRADES_TOPIC),
                                config.get(CommonOptions.KAFKA_GROUP_ID),
                                config.get(CommonOptions.SOURCE_BOUNDED)),
                        new TradeParser(
                                config.get(MarketOptions.TRADE_MAX_PRICE),
                                config.get(MarketOptions.TRADE_MAX_SIZE),
                                config.get(MarketOptions.MAX_FUTURE).toMillis()),
                        MarketJdbcSinks.trades(postgres, CommonOptions.jdbcExecution(config)),
                        JdbcSinks.deadLetters(postgres, CommonOptions.jdbcExecution(config)))
                .build(env);
        env.execute(TradeIngestNames.JOB_NAME);
    }
}
