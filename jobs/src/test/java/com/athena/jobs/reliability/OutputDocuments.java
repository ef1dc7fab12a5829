package com.athena.jobs.reliability;

import com.athena.common.config.CommonOptions;
import com.athena.common.firestore.FirestoreSink;
import com.athena.common.market.MarketBar;
import com.athena.common.market.MarketConditions;
import com.athena.common.market.MarketConditionsRules;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.jobs.market.MarketConditionsDocuments;
import com.athena.jobs.market.MarketSettings;
import com.athena.jobs.treasury.TreasuryDocuments;
import com.athena.testing.ExpectedBars;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The Firestore documents of a run as comparable maps ({@link #normalize}): those the jobs wrote,
 * and the market document a run without the fault writes.
 */
final class OutputDocuments {
    private OutputDocuments() {}

    /** The market document after the last 1h bar of the trades: the direct computation. */
    static Map<String, Object> expectedMarketDocument(List<Trade> trades) {
        return normalize(new MarketConditionsDocuments().fields(expectedConditions(trades)));
    }

    /** The market view after the last 1h bar, folded as the job's conditions operator does. */
    private static MarketConditions expectedConditions(List<Trade> trades) {
        MarketSettings settings = new MarketSettings(CommonOptions.fromArgs(new String[0]));
        MarketConditionsRules rules = settings.conditionsRules();
        MarketConditions conditions = null;
        for (MarketBar bar : ExpectedBars.of(trades, Timeframe.H1)) {
            conditions = rules.onBar(bar, Timeframe.H1, conditions, null);
        }
        return conditions;
    }

    /** A document's fields without the sink's commit time ({@code last_updated}); null if none. */
    static Map<String, Object> document(Firestore fs, String collection, String id)
            throws Exception {
        DocumentSnapshot doc =
                fs.collection(collection).document(id).get().get(30, TimeUnit.SECONDS);
        return doc.exists() ? fields(doc) : null;
    }

    private static Map<String, Object> fields(DocumentSnapshot doc) {
        Map<String, Object> data = new LinkedHashMap<>(Objects.requireNonNull(doc.getData()));
        data.remove(FirestoreSink.LAST_UPDATED_FIELD);
        return normalize(data);
    }

    static Map<String, Map<String, Object>> treasuryDocs(Firestore fs, List<String> agents)
            throws Exception {
        Map<String, Map<String, Object>> docs = new TreeMap<>();
        for (String agent : agents) {
            Map<String, Object> doc = document(fs, TreasuryDocuments.TREASURY, agent);
            if (doc != null) {
                docs.put(agent, doc);
            }
        }
        return docs;
    }

    static Map<String, Map<String, Object>> costDocs(Firestore fs, List<String> agents)
            throws Exception {
        Map<String, Map<String, Object>> docs = new TreeMap<>();
        for (String agent : agents) {
            for (QueryDocumentSnapshot doc :
                    fs.collection(TreasuryDocuments.COSTS)
                            .whereEqualTo("agent_id", agent)
                            .get()
                            .get(30, TimeUnit.SECONDS)
                            .getDocuments()) {
                docs.put(doc.getId(), fields(doc));
            }
        }
        return docs;
    }

    static Map<String, Map<String, Object>> single(String id, Map<String, Object> doc) {
        Map<String, Map<String, Object>> docs = new TreeMap<>();
        if (doc != null) {
            docs.put(id, doc);
        }
        return docs;
    }

    /**
     * Comparable values: integers as Long, floating point as Double (Firestore returns Long and
     * Double; the mappers put int, long and double), maps sorted by key.
     */
    @SuppressWarnings("unchecked")
    static <T> T normalize(T value) {
        Object v = value;
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            v = ((Number) v).longValue();
        } else if (v instanceof Float) {
            v = ((Float) v).doubleValue();
        } else if (v instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, x) -> sorted.put(String.valueOf(k), normalize(x)));
            v = sorted;
        } else if (v instanceof List<?> list) {
            v = list.stream().map(OutputDocuments::normalize).collect(Collectors.toList());
        }
        return (T) v;
    }
}
