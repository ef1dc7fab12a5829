package com.athena.jobs.market;

import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.connectors.RawPubSubMessages;
import com.athena.common.connectors.RawRecord;
import com.athena.common.flink.SourceFactory;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.testing.ExpectedBars;
import com.athena.testing.Feeds;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One run's inputs and outputs for the market job's integration tests: unique symbols, topics and
 * subscriptions, the good and bad records, and readers for every sink.
 */
final class MarketFixture {
    static final long T = 1_385_337_600_000L;

    /** Bad trades and the reason each must be dead-lettered with (a prefix of it). */
    static final Map<String, String> BAD_TRADES = new LinkedHashMap<>();

    /** Good snapshots: fear &amp; greed 45, 30, then 12 (the newest). */
    static final List<String> SNAPSHOTS =
            List.of(
                    "{\"timestamp\":\"2013-11-25T00:15:00Z\",\"btc_price\":801.5,\"eth_price\":null,\"btc_24h_change\":-2.5,\"fear_greed_index\":45,\"data_source\":\"it\"}",
                    "{\"timestamp\":\"2013-11-25T02:00:00Z\",\"btc_price\":790.0,\"btc_24h_change\":-11.0,\"fear_greed_index\":12,\"data_source\":\"it\"}",
                    "{\"timestamp\":\"2013-11-25T01:00:00Z\",\"btc_price\":795.0,\"btc_24h_change\":-6.0,\"fear_greed_index\":30,\"data_source\":\"it\"}");

    /** Bad snapshots and their reasons. */
    static final Map<String, String> BAD_SNAPSHOTS = new LinkedHashMap<>();

    static {
        BAD_TRADES.put("{\"symbol\":\"BTC", "invalid JSON");
        BAD_TRADES.put("[1,2,3]", "not a JSON object");
        BAD_TRADES.put("", "empty payload");
        BAD_TRADES.put(
                "{\"symbol\":\"X\",\"ts\":" + T + ",\"price\":NaN,\"size\":1}", "invalid JSON");
        BAD_TRADES.put(
                "{\"symbol\":\"X\",\"ts\":" + T + ",\"price\":\"abc\",\"size\":1}",
                "price is not a number");
        BAD_TRADES.put(
                "{\"symbol\":\"X\",\"ts\":" + T + ",\"price\":-5,\"size\":1}",
                "price must be positive");
        BAD_TRADES.put(
                "{\"symbol\":\"X\",\"ts\":" + T + ",\"price\":100,\"size\":1e12}",
                "size 1.0E12 is above");
        BAD_TRADES.put(
                "{\"symbol\":\"X\",\"ts\":\"1999-01-01T00:00:00Z\",\"price\":100,\"size\":1}",
                "ts is before 2009-01-01");
        BAD_TRADES.put(
                "{\"symbol\":\"X\",\"ts\":32503680000000,\"price\":100,\"size\":1}",
                "ts is too far in the future");
        BAD_TRADES.put(
                "{\"symbol\":\"BAD'; DROP TABLE market_data;--\",\"ts\":"
                        + T
                        + ",\"price\":100,\"size\":1}",
                "symbol has characters outside");
        BAD_TRADES.put("{\"ts\":" + T + ",\"price\":100,\"size\":1}", "missing symbol");
        BAD_SNAPSHOTS.put("not json at all", "invalid JSON");
        BAD_SNAPSHOTS.put(
                "{\"timestamp\":\"2013-11-25T01:30:00Z\",\"fear_greed_index\":150}",
                "fear_greed_index must be an integer in [0, 100]");
    }

    final String run;
    final String btc;
    final String eth;
    final String tradesTopic;
    final String dlqTopic;
    final String snapshotsTopic;
    final String subscription;

    MarketFixture(String run) {
        this.run = run;
        this.btc = "BTC-" + run.toUpperCase();
        this.eth = "ETH-" + run.toUpperCase();
        this.tradesTopic = "it.trades." + run;
        this.dlqTopic = "it.dlq." + run;
        this.snapshotsTopic = "it-snapshots-" + run;
        this.subscription = "it-snapshots-sub-" + run;
    }

    static List<String> expectedReasons() {
        List<String> reasons = new ArrayList<>(BAD_TRADES.values());
        reasons.addAll(BAD_SNAPSHOTS.values());
        return reasons;
    }

    boolean mine(Object symbol) {
        return btc.equals(symbol) || eth.equals(symbol);
    }

    /** A second symbol: the same times, other prices and sizes. */
    List<Trade> syntheticTrades(String symbol, List<Trade> template) {
        List<Trade> trades = new ArrayList<>();
        for (Trade t : template) {
            trades.add(
                    new Trade(
                            symbol,
                            t.ts,
                            t.price / 16 + (t.ts / 1000 % 7) * 0.01,
                            t.size * 10,
                            t.tradeId,
                            "synthetic"));
        }
        return trades;
    }

    Configuration config() {
        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(MarketOptions.QUIET_ADVANCE, Duration.ZERO);
        return config;
    }

    MarketJob.Sources sources(KafkaEndpoint kafka, PubSubEndpoint pubsub, MarketSettings settings)
            throws Exception {
        return new MarketJob.Sources(
                new MarketJob.Input<>(
                        SourceFactory.of(
                                KafkaSources.raw(kafka, tradesTopic, "it-" + run, true),
                                TypeInformation.of(RawRecord.class)),
                        settings.tradeParser::parse,
                        MarketNames.DLQ_TRADES),
                null,
                new MarketJob.Input<>(
                        SourceFactory.legacy(
                                pubsub.source(
                                        subscription,
                                        new RawPubSubMessages(subscription),
                                        100,
                                        Duration.ofSeconds(5),
                                        3),
                                TypeInformation.of(RawRecord.class)),
                        settings.snapshotParser::parse,
                        MarketNames.DLQ_SNAPSHOTS));
    }

    void produceTrades(KafkaEndpoint kafka, List<Trade> btc, List<Trade> eth, List<String> bad)
            throws Exception {
        produceTrades(kafka, btc, eth, bad, Map.of());
    }

    /**
     * As above; {@code repeats} sends a good trade again right after the good trades of an index,
     * on its symbol's partition, as a feed replaying its last trades after a reconnect.
     */
    void produceTrades(
            KafkaEndpoint kafka,
            List<Trade> btc,
            List<Trade> eth,
            List<String> bad,
            Map<Integer, Trade> repeats)
            throws Exception {
        Feeds.createTopics(kafka, 1, dlqTopic);
        Feeds.createTopics(kafka, 2, tradesTopic);
        List<String> badPayloads = bad;
        int nextBad = 0;
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < btc.size(); i++) {
                producer.send(
                        new ProducerRecord<>(tradesTopic, btc.get(i).symbol, json(btc.get(i))));
                producer.send(
                        new ProducerRecord<>(tradesTopic, eth.get(i).symbol, json(eth.get(i))));
                Trade repeat = repeats.get(i);
                if (repeat != null) {
                    producer.send(new ProducerRecord<>(tradesTopic, repeat.symbol, json(repeat)));
                }
                // Bad records spread evenly between the good ones.
                while (nextBad < (long) badPayloads.size() * (i + 1) / btc.size()) {
                    producer.send(
                            new ProducerRecord<>(tradesTopic, "bad", badPayloads.get(nextBad++)));
                }
            }
            while (nextBad < badPayloads.size()) {
                producer.send(new ProducerRecord<>(tradesTopic, "bad", badPayloads.get(nextBad++)));
            }
            producer.flush();
        }
    }

    static String json(Trade t) {
        return ExpectedBars.json(t);
    }

    void publishSnapshots(PubSubEndpoint pubsub, List<String> good, List<String> bad)
            throws Exception {
        List<String> all = new ArrayList<>(good);
        all.addAll(bad);
        Feeds.publish(pubsub, snapshotsTopic, subscription, all);
    }

    long count(JdbcEndpoint db, String table) {
        try (Connection c = db.open();
                PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM " + table + " WHERE source = ?")) {
            ps.setString(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    List<MarketBar> readBars(JdbcEndpoint db, String symbol, Timeframe tf) throws SQLException {
        try (Connection c = db.open()) {
            return MarketDataRows.read(c, symbol, tf.label(), run, 0);
        }
    }

    private static final String MY_DEAD_LETTERS =
            " FROM dead_letters WHERE origin LIKE ? OR origin LIKE ?";

    long deadLetterCount(JdbcEndpoint db) {
        return deadLetterReasons(db).size();
    }

    List<String> deadLetterReasons(JdbcEndpoint db) {
        List<String> reasons = new ArrayList<>();
        try (Connection c = db.open();
                PreparedStatement ps = c.prepareStatement("SELECT reason" + MY_DEAD_LETTERS)) {
            ps.setString(1, tradesTopic + "/%");
            ps.setString(2, subscription + "@%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reasons.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return reasons;
    }

    /** The newest market view of a symbol, or null. */
    static DocumentSnapshot marketView(Firestore fs, String symbol) {
        try {
            DocumentSnapshot doc =
                    fs.collection("agent_data_market_conditions")
                            .document(symbol)
                            .get()
                            .get(30, TimeUnit.SECONDS);
            return doc.exists() ? doc : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> readDeadLetters(KafkaEndpoint kafka, int expected) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + run);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(dlqTopic));
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
