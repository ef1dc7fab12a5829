package com.athena.jobs.firestore;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.firestore.FirestoreDocumentMapper;
import com.athena.common.firestore.FirestoreSink;
import com.athena.common.market.MarketConditions;
import com.athena.jobs.market.MarketConditionsDocuments;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A document Firestore refuses for its content (INVALID_ARGUMENT: here larger than Firestore's 1
 * MiB document limit) among good ones: it goes to the dead_letters collection with Firestore's
 * reason, every other document arrives, and the job finishes without a restart instead of failing
 * over until its restarts run out.
 */
@RequiresServices({RealService.FIRESTORE})
class FirestorePoisonDocumentITCase {
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(REPORTER);

    /** The market view's documents, with a 1.5 MB field in the poison symbol's. */
    static final class OversizedFor implements FirestoreDocumentMapper<MarketConditions> {
        private static final long serialVersionUID = 1L;
        private final MarketConditionsDocuments documents = new MarketConditionsDocuments();
        private final String poison;

        OversizedFor(String poison) {
            this.poison = poison;
        }

        @Override
        public String collection(MarketConditions m) {
            return documents.collection(m);
        }

        @Override
        public String documentId(MarketConditions m) {
            return documents.documentId(m);
        }

        @Override
        public long eventTime(MarketConditions m) {
            return documents.eventTime(m);
        }

        @Override
        public Map<String, Object> fields(MarketConditions m) {
            Map<String, Object> fields = new HashMap<>(documents.fields(m));
            if (m.symbol.equals(poison)) {
                fields.put("notes", "x".repeat(1_500_000));
            }
            return fields;
        }
    }

    @Test
    void aRefusedDocumentIsADeadLetterAndTheOthersArrive() throws Exception {
        FirestoreEndpoint endpoint = FirestoreEndpoint.from(ServiceEnvironment.load());
        assertThat(endpoint.emulatorHost()).as("tests run against the emulator only").isPresent();
        String run = "fp" + UUID.randomUUID().toString().substring(0, 8);
        String poison = run + "-POISON";
        List<MarketConditions> input = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            input.add(conditions(run + "-SYM" + i, 1_700_000_000_000L + i));
            if (i == 10) {
                input.add(conditions(poison, 1_700_000_000_000L + i));
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
        env.fromData(input, TypeInformation.of(MarketConditions.class))
                .uid("poison-source")
                .sinkTo(new FirestoreSink<>(endpoint, new OversizedFor(poison)))
                .uid("poison-sink");
        JobExecutionResult result = env.execute("firestore-poison-it-" + run);

        assertThat(MiniClusters.restarts(REPORTER, result.getJobID())).isZero();
        try (Firestore fs = endpoint.open()) {
            for (int i = 0; i < 20; i++) {
                DocumentSnapshot doc =
                        fs.collection(MarketConditionsDocuments.COLLECTION)
                                .document(run + "-SYM" + i)
                                .get()
                                .get(30, TimeUnit.SECONDS);
                assertThat(doc.exists()).as("document " + i).isTrue();
            }
            DocumentSnapshot letter =
                    fs.collection(FirestoreSink.DEAD_LETTERS_COLLECTION)
                            .document(
                                    MarketConditionsDocuments.COLLECTION
                                            + ":"
                                            + poison
                                            + ":"
                                            + (1_700_000_000_000L + 10))
                            .get()
                            .get(30, TimeUnit.SECONDS);
            assertThat(letter.exists()).as("the refused document's dead letter").isTrue();
            assertThat(letter.getString("reason")).startsWith("INVALID_ARGUMENT");
        }
    }

    private static MarketConditions conditions(String symbol, long timestamp) {
        MarketConditions m = new MarketConditions();
        m.symbol = symbol;
        m.timestamp = timestamp;
        m.timeframe = "1h";
        m.volatilityLevel = "normal";
        m.volatilityConfidence = 0.5;
        m.sentimentLevel = "neutral";
        m.sentimentConfidence = 0.5;
        m.fearGreedIndex = 50;
        m.trendDirection = "upward";
        m.trendConfidence = 0.6;
        m.trendDurationHours = 1;
        return m;
    }
}
