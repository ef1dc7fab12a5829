package com.athena.tools.produce;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.json.JsonFields;
import com.athena.common.market.TradeCsv;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;

/**
 * Replays a trades CSV ({@code timestamp,price,amount}) into Kafka as the JSON trades the market
 * job reads: {@code produce-trades --input FILE [--symbol BTC-USD] [--topic market.trades]}.
 */
public final class ProduceTradesMain {
    private ProduceTradesMain() {}

    public static void main(String[] args) throws Exception {
        org.apache.flink.api.java.utils.ParameterTool params =
                org.apache.flink.api.java.utils.ParameterTool.fromArgs(args);
        Path input = Paths.get(params.getRequired("input"));
        String symbol = params.get("symbol", "BTC-USD");
        String topic = params.get("topic", "market.trades");
        String source = params.get("source", "bitstamp");

        Properties props = KafkaEndpoint.from(ServiceEnvironment.load()).clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long sent = 0;
        long skipped = 0;
        try (KafkaProducer<String, String> producer =
                        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
                BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (!TradeCsv.HEADER.equals(header)) {
                throw new IllegalArgumentException(
                        input
                                + ": expected the header '"
                                + TradeCsv.HEADER
                                + "', got '"
                                + header
                                + "'");
            }
            String line;
            long lineNumber = 1;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                String[] cells = line.split(",", -1);
                ObjectNode json = JsonFields.MAPPER.createObjectNode();
                try {
                    json.put("symbol", symbol)
                            .put("ts", Math.multiplyExact(Long.parseLong(cells[0].trim()), 1000L))
                            .put("price", Double.parseDouble(cells[1].trim()))
                            .put("size", Double.parseDouble(cells[2].trim()))
                            // The line number identifies the trade: a second replay upserts.
                            .put("trade_id", Long.toString(lineNumber))
                            .put("source", source);
                } catch (RuntimeException e) {
                    System.err.println(input + ":" + lineNumber + ": not three numbers: " + line);
                    skipped++;
                    continue;
                }
                // Values are passed on as they are: validating them is the job's work, and what
                // it rejects shows up in its dead letters.
                producer.send(new ProducerRecord<>(topic, symbol, json.toString()));
                sent++;
            }
            producer.flush();
        }
        System.out.printf(
                "produced %d trades to %s (%d bad lines skipped)%n", sent, topic, skipped);
    }
}
