package com.athena.jobs.eventtime;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.jobs.market.MarketJob;
import com.athena.jobs.market.MarketNames;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;
import com.athena.testing.CollectSink;
import com.athena.testing.ExpectedBars;
import com.athena.testing.Feeds;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.ReliabilityReport;
import com.athena.testing.RequiresServices;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trade dated an hour ahead of the wall clock, in the middle of a feed over three Kafka
 * partitions, is a dead letter and moves no watermark: every other trade still counts in its bar,
 * none is late.
 */
@RequiresServices({RealService.KAFKA})
class FutureTimestampITCase {
    static final int TRADES_PER_SYMBOL = 1500;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    @Test
    void aFutureTradeIsADeadLetterAndMakesNoTradeLate() throws Exception {
        KafkaEndpoint kafka = KafkaEndpoint.from(ServiceEnvironment.load());
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it.future." + run;
        List<Trade> btc = ExpectedBars.bitstamp("BTC-F" + run.toUpperCase(), TRADES_PER_SYMBOL);
        List<Trade> eth = new ArrayList<>();
        for (Trade t : btc) {
            eth.add(
                    new Trade(
                            "ETH-F" + run.toUpperCase(),
                            t.ts,
                            t.price / 16,
                            t.size * 10,
                            t.tradeId,
                            "synthetic"));
        }
        Trade future =
                new Trade(
                        btc.get(0).symbol,
                        System.currentTimeMillis() + Duration.ofHours(1).toMillis(),
                        1032.23,
                        0.5,
                        "future-1",
                        "it");

        Feeds.createTopics(kafka, 3, topic);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < btc.size(); i++) {
                producer.send(new ProducerRecord<>(topic, btc.get(i).symbol, json(btc.get(i))));
                producer.send(new ProducerRecord<>(topic, eth.get(i).symbol, json(eth.get(i))));
                if (i == btc.size() / 2) {
                    producer.send(new ProducerRecord<>(topic, future.symbol, json(future)));
                }
            }
            producer.flush();
        }

        // Shipped defaults, but no quiet advance: these trades are from 2013, so the wall clock
        // says nothing about their event time.
        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(MarketOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(MarketOptions.TIMEFRAMES, "1m,5m");
        MarketSettings settings = new MarketSettings(config);
        MarketJob.Sources sources =
                new MarketJob.Sources(
                        new MarketJob.Input<>(
                                SourceFactory.of(
                                        KafkaSources.raw(kafka, topic, "it-" + run, true),
                                        TypeInformation.of(RawRecord.class)),
                                settings.tradeParser::parse,
                                MarketNames.DLQ_TRADES),
                        null,
                        null);
        String rowsSink = "future-rows-" + run;
        String lettersSink = "future-letters-" + run;
        MarketJob.Sinks sinks =
                new MarketJob.Sinks(
                        List.of(NamedSink.of(rowsSink, new CollectSink<MarketBar>(rowsSink))),
                        List.of(),
                        List.of(),
                        List.of(
                                NamedSink.of(
                                        lettersSink, new CollectSink<DeadLetter>(lettersSink))));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        // One subtask reads all three partitions, as a small deployment does: that is where one
        // watermark per subtask, rather than per partition, lets one trade hold up everything.
        env.setParallelism(1);
        new MarketJob(sources, sinks, settings).build(env);
        env.execute("future-timestamp-it");

        List<DeadLetter> letters = CollectSink.results(lettersSink);
        List<MarketBar> rows = CollectSink.results(rowsSink);
        Map<String, List<String>> expected = new TreeMap<>();
        Map<String, List<String>> actual = new TreeMap<>();
        long lost = 0;
        long duplicates = 0;
        for (List<Trade> trades : List.of(btc, eth)) {
            for (Timeframe tf : List.of(Timeframe.M1, Timeframe.M5)) {
                String key = trades.get(0).symbol + " " + tf.label();
                List<String> want =
                        ExpectedBars.of(trades, tf).stream().map(r -> r.bar.toString()).toList();
                List<String> got =
                        rows.stream()
                                .filter(
                                        r ->
                                                r.bar.symbol.equals(trades.get(0).symbol)
                                                        && r.bar.timeframe.equals(tf.label()))
                                .map(r -> r.bar.toString())
                                .toList();
                expected.put(key, want);
                actual.put(key, got);
                List<String> missing = new ArrayList<>(want);
                got.forEach(missing::remove);
                lost += missing.size();
                duplicates += Math.max(0, got.size() - (want.size() - missing.size()));
            }
        }
        ReliabilityReport.record(
                new ReliabilityReport.Entry(
                        "future-timestamp",
                        String.format(
                                "%,d trades (2 symbols) over 3 Kafka partitions, one subtask",
                                btc.size() + eth.size()),
                        "one trade dated 1 h ahead of the wall clock mid-stream",
                        1,
                        lost,
                        duplicates + Math.max(0, letters.size() - 1),
                        "Compared: every 1m and 5m bar of both symbols with the direct"
                                + " computation; the future trade must be the only dead"
                                + " letter (late trades would be further ones)."));

        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).payload).isEqualTo(json(future));
        assertThat(letters.get(0).reason).contains("future");
        assertThat(actual).isEqualTo(expected);
    }

    private static String json(Trade t) {
        return ExpectedBars.json(t);
    }
}
