package com.athena.jobs.reliability;

import com.athena.common.market.Trade;
import com.athena.testing.ExpectedBars;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The market job's input: the first trades at once; the rest, once the fault window opens, at about
 * 100 a second so that the kill and the restart fall mid-stream.
 */
final class TradeFeed {
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final List<Trade> trades;
    private final int atOnce;
    private final AtomicInteger sent = new AtomicInteger();
    private final CountDownLatch faultWindow = new CountDownLatch(1);

    /** Sends {@code atOnce} of the trades, then waits for the fault window to send the rest. */
    TradeFeed(
            KafkaProducer<String, String> producer, String topic, List<Trade> trades, int atOnce) {
        this.producer = producer;
        this.topic = topic;
        this.trades = trades;
        this.atOnce = atOnce;
    }

    /** How many trades have gone to the producer so far. */
    int sent() {
        return sent.get();
    }

    /** Lets the rest of the trades flow (and a feed still waiting go on, when the test ends). */
    void openFaultWindow() {
        faultWindow.countDown();
    }

    /** Sends every trade, pausing for the fault window after the first {@code atOnce}. */
    void produce() throws Exception {
        for (Trade t : trades) {
            producer.send(new ProducerRecord<>(topic, t.symbol, ExpectedBars.json(t)));
            int n = sent.incrementAndGet();
            if (n == atOnce) {
                producer.flush();
                assertThat(faultWindow.await(5, TimeUnit.MINUTES))
                        .as("the fault window to open")
                        .isTrue();
            }
            if (n > atOnce && n % 20 == 0) {
                producer.flush();
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        producer.flush();
    }

    /**
     * Sends a trade a day after the last, which closes every bar of the run (its own bar stays
     * open), and flushes it. It is not one of the feed's and not counted.
     */
    void sendCloser() {
        Trade last = trades.get(trades.size() - 1);
        Trade closer =
                new Trade(
                        last.symbol, last.ts + 86_400_000L, last.price, 0.01, "closer", "bitstamp");
        producer.send(new ProducerRecord<>(topic, closer.symbol, ExpectedBars.json(closer)));
        producer.flush();
    }
}
