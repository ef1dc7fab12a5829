package com.athena.jobs.reliability;

import com.athena.common.deadletter.DeadLetter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Generated malformed and hostile records for every input of the jobs, each named by its kind and
 * carrying the reason (a prefix of it) the job must dead-letter it with. Deterministic per seed;
 * most payloads carry their index, and tests match the dead letters as a multiset of payloads.
 *
 * <p>Kinds: broken JSON (truncated, invalid, nesting and number bombs, raw control characters), not
 * an object, empty, wrong types, missing keys, non-finite, negative or zero and absurd numbers,
 * times before 2009 or far in the future, huge strings, SQL meta-characters in symbols and agent
 * ids, unknown event types and operations. Duplicated ids need good records to repeat, so the tests
 * add those themselves.
 */
public final class BadInputCorpus {
    /**
     * One bad record: its kind, the payload sent, the expected dead-letter reason (a prefix) and
     * the payload its dead letter carries (the one sent, unless the job re-serialized the record).
     */
    public record Bad(String kind, String payload, String reason, String stored) {
        public Bad(String kind, String payload, String reason) {
            this(kind, payload, reason, payload);
        }
    }

    /** 2013-11-25T00:00:00Z, inside the Bitstamp data the tests use. */
    static final long T = 1_385_337_600_000L;

    /** Huge strings are costly to carry; a fixed number of them per input is enough. */
    static final int HUGE_PER_INPUT = 12;

    /** Injection strings that stay within the 32 characters a symbol may have. */
    static final List<String> SQL_SYMBOLS =
            List.of(
                    "BTC'; DROP TABLE market_data;--",
                    "X' OR '1'='1",
                    "ETH\"; DELETE FROM t; --",
                    "A;B",
                    "$$;SELECT 1;$$",
                    "BTC\\'--",
                    "X%' AND 1=1 --",
                    "a b");

    /** Injection strings in agent ids (a letter first, then a meta-character). */
    static final List<String> SQL_AGENTS =
            List.of(
                    "a'; DROP TABLE cost_events;--",
                    "a\" OR \"1\"=\"1",
                    "a/../../etc/passwd",
                    "a;SELECT pg_sleep(10)",
                    "a$$ || $$",
                    "a b",
                    "a\\x00",
                    "a%'--");

    private BadInputCorpus() {}

    /** Bad trades for Kafka {@code market.trades}. */
    public static List<Bad> trades(int count, long seed) {
        Map<String, IntFunction<String[]>> kinds = new LinkedHashMap<>();
        common(kinds, BadInputCorpus::trade, "symbol");
        kinds.put(
                "wrong-type",
                i ->
                        switch (i % 4) {
                            case 0 ->
                                    pair(
                                            trade(i).replace(
                                                            "\"price\":100.5", "\"price\":\"abc\""),
                                            "price is not a number");
                            case 1 ->
                                    pair(
                                            trade(i).replace("\"size\":0.25", "\"size\":true"),
                                            "size is not a number");
                            case 2 ->
                                    pair(
                                            trade(i).replace(
                                                            "\"symbol\":\"BAD-X\"",
                                                            "\"symbol\":42"),
                                            "symbol is not a string");
                            default ->
                                    pair(
                                            trade(i).replace("\"ts\":" + T, "\"ts\":\"yesterday\""),
                                            "ts is not ISO-8601 UTC or epoch millis");
                        });
        kinds.put(
                "missing-key",
                i -> {
                    String key = List.of("symbol", "ts", "price", "size").get(i % 4);
                    return pair(without(trade(i), key), "missing " + key);
                });
        kinds.put(
                "non-finite",
                i ->
                        i % 2 == 0
                                ? pair(
                                        trade(i).replace("\"price\":100.5", "\"price\":1e999"),
                                        "price is not finite")
                                : pair(
                                        trade(i).replace("\"size\":0.25", "\"size\":-1e999"),
                                        "size is not finite"));
        kinds.put(
                "non-positive",
                i ->
                        switch (i % 4) {
                            case 0 ->
                                    pair(
                                            trade(i).replace("\"price\":100.5", "\"price\":0"),
                                            "price must be positive");
                            case 1 ->
                                    pair(
                                            trade(i).replace("\"price\":100.5", "\"price\":-100.5"),
                                            "price must be positive");
                            case 2 ->
                                    pair(
                                            trade(i).replace("\"size\":0.25", "\"size\":0"),
                                            "size must be positive");
                            default ->
                                    pair(
                                            trade(i).replace("\"size\":0.25", "\"size\":-3"),
                                            "size must be positive");
                        });
        kinds.put(
                "absurd-number",
                i ->
                        i % 2 == 0
                                ? pair(
                                        trade(i).replace("\"size\":0.25", "\"size\":1e12"),
                                        "size 1.0E12 is above")
                                : pair(
                                        trade(i).replace("\"price\":100.5", "\"price\":1e13"),
                                        "price 1.0E13 is above"));
        kinds.put(
                "before-2009",
                i ->
                        pair(
                                trade(i).replace("\"ts\":" + T, "\"ts\":" + early(i)),
                                "ts is before 2009-01-01"));
        kinds.put(
                "far-future",
                i ->
                        pair(
                                trade(i).replace("\"ts\":" + T, "\"ts\":" + future(i)),
                                "ts is too far in the future"));
        kinds.put(
                "sql-metacharacters",
                i ->
                        pair(
                                trade(i).replace(
                                                "\"symbol\":\"BAD-X\"",
                                                "\"symbol\":"
                                                        + quote(
                                                                SQL_SYMBOLS.get(
                                                                        i % SQL_SYMBOLS.size()))),
                                "symbol has characters outside"));
        return generate(
                kinds,
                count,
                seed,
                i ->
                        pair(
                                trade(i).replace(
                                                "\"symbol\":\"BAD-X\"",
                                                "\"symbol\":\"" + "S".repeat(hugeLength(i)) + "\""),
                                "symbol is longer than 32 characters"));
    }

    /** Bad market snapshots for Pub/Sub {@code market-snapshots}. */
    public static List<Bad> snapshots(int count, long seed) {
        Map<String, IntFunction<String[]>> kinds = new LinkedHashMap<>();
        common(kinds, BadInputCorpus::snapshot, "timestamp");
        kinds.put(
                "wrong-type",
                i ->
                        i % 2 == 0
                                ? pair(
                                        snapshot(i)
                                                .replace(
                                                        "\"btc_price\":801.5",
                                                        "\"btc_price\":\"x\""),
                                        "btc_price is not a number")
                                : pair(
                                        snapshot(i)
                                                .replace("\"timestamp\":" + T, "\"timestamp\":[1]"),
                                        "timestamp is not ISO-8601 UTC or epoch millis"));
        kinds.put(
                "missing-key",
                i ->
                        i % 2 == 0
                                ? pair(without(snapshot(i), "timestamp"), "missing timestamp")
                                : pair(
                                        "{\"timestamp\":" + T + ",\"data_source\":\"c" + i + "\"}",
                                        "snapshot carries no market field"));
        kinds.put(
                "non-finite",
                i ->
                        pair(
                                snapshot(i).replace("\"btc_price\":801.5", "\"btc_price\":1e999"),
                                "btc_price is not finite"));
        kinds.put(
                "out-of-range",
                i ->
                        switch (i % 4) {
                            case 0 ->
                                    pair(
                                            snapshot(i)
                                                    .replace(
                                                            "\"btc_price\":801.5",
                                                            "\"btc_price\":-1"),
                                            "btc_price must be positive");
                            case 1 ->
                                    pair(
                                            snapshot(i)
                                                    .replace(
                                                            "\"fear_greed_index\":45",
                                                            "\"fear_greed_index\":" + (101 + i)),
                                            "fear_greed_index must be an integer in [0, 100]");
                            case 2 ->
                                    pair(
                                            snapshot(i)
                                                    .replace(
                                                            "\"fear_greed_index\":45",
                                                            "\"fear_greed_index\":45.5"),
                                            "fear_greed_index must be an integer in [0, 100]");
                            default ->
                                    pair(
                                            snapshot(i)
                                                    .replace(
                                                            "\"btc_24h_change\":-2.5",
                                                            "\"btc_24h_change\":-150"),
                                            "btc_24h_change is below -100%");
                        });
        kinds.put(
                "before-2009",
                i ->
                        pair(
                                snapshot(i)
                                        .replace("\"timestamp\":" + T, "\"timestamp\":" + early(i)),
                                "timestamp is before 2009-01-01"));
        kinds.put(
                "far-future",
                i ->
                        pair(
                                snapshot(i)
                                        .replace(
                                                "\"timestamp\":" + T, "\"timestamp\":" + future(i)),
                                "timestamp is too far in the future"));
        return generate(
                kinds,
                count,
                seed,
                i ->
                        pair(
                                snapshot(i)
                                        .replace(
                                                "\"data_source\":\"c" + i + "\"",
                                                "\"data_source\":\""
                                                        + "D".repeat(hugeLength(i))
                                                        + "\""),
                                "data_source is longer than 64 characters"));
    }

    /**
     * Bad treasury events (Pub/Sub {@code agent-costs} and Kafka {@code treasury.events} share one
     * format); {@code tag} keeps the two inputs' payloads apart.
     */
    public static List<Bad> treasuryEvents(int count, long seed, String tag) {
        IntFunction<String> cost = i -> cost(tag, i);
        Map<String, IntFunction<String[]>> kinds = new LinkedHashMap<>();
        common(kinds, cost, "agent_id");
        kinds.put(
                "wrong-type",
                i ->
                        i % 2 == 0
                                ? pair(
                                        cost.apply(i)
                                                .replace(
                                                        "\"agent_id\":\"bad-agent\"",
                                                        "\"agent_id\":7"),
                                        "agent_id is not a string")
                                : pair(
                                        cost.apply(i)
                                                .replace("\"amount\":1.25", "\"amount\":\"ten\""),
                                        "amount is not a number"));
        kinds.put(
                "missing-key",
                i -> {
                    String key = List.of("agent_id", "event_id", "timestamp").get(i % 3);
                    return pair(without(cost.apply(i), key), "missing " + key);
                });
        kinds.put(
                "non-finite",
                i ->
                        pair(
                                cost.apply(i).replace("\"amount\":1.25", "\"amount\":1e999"),
                                "amount is not finite"));
        kinds.put(
                "negative-or-zero",
                i ->
                        switch (i % 4) {
                            case 0 ->
                                    pair(
                                            cost.apply(i)
                                                    .replace("\"amount\":1.25", "\"amount\":-1.25"),
                                            "amount must not be negative");
                            case 1 ->
                                    pair(
                                            cost.apply(i)
                                                    .replace(
                                                            "\"amount\":1.25",
                                                            "\"operation\":\"llm_call\",\"input_tokens\":-5,\"output_tokens\":3"),
                                            "input_tokens must not be negative");
                            case 2 ->
                                    pair(
                                            cost.apply(i)
                                                    .replace(
                                                            "\"amount\":1.25",
                                                            "\"type\":\"deposit\",\"amount\":0"),
                                            "amount must be positive");
                            default ->
                                    pair(
                                            cost.apply(i)
                                                    .replace(
                                                            "\"amount\":1.25",
                                                            "\"type\":\"balance\",\"balance_usd\":10,\"daily_burn_rate\":-1"),
                                            "daily_burn_rate must not be negative");
                        });
        kinds.put(
                "absurd-number",
                i ->
                        i % 2 == 0
                                ? pair(
                                        cost.apply(i)
                                                .replace(
                                                        "\"amount\":1.25",
                                                        "\"operation\":\"llm_call\",\"input_tokens\":1e15,\"output_tokens\":3"),
                                        "input_tokens must be a whole number up to 1e12")
                                : pair(
                                        cost.apply(i)
                                                .replace(
                                                        "\"amount\":1.25",
                                                        "\"operation\":\"llm_call\",\"input_tokens\":1.5,\"output_tokens\":3"),
                                        "input_tokens must be a whole number up to 1e12"));
        kinds.put(
                "before-2009",
                i ->
                        pair(
                                cost.apply(i)
                                        .replace("\"timestamp\":" + T, "\"timestamp\":" + early(i)),
                                "timestamp is before 2009-01-01"));
        kinds.put(
                "far-future",
                i ->
                        pair(
                                cost.apply(i)
                                        .replace(
                                                "\"timestamp\":" + T, "\"timestamp\":" + future(i)),
                                "timestamp is too far in the future"));
        kinds.put(
                "sql-metacharacters",
                i ->
                        pair(
                                cost.apply(i)
                                        .replace(
                                                "\"agent_id\":\"bad-agent\"",
                                                "\"agent_id\":"
                                                        + quote(
                                                                SQL_AGENTS.get(
                                                                        i % SQL_AGENTS.size()))),
                                "agent_id must match"));
        kinds.put(
                "unknown-type",
                i ->
                        i % 2 == 0
                                ? pair(
                                        cost.apply(i)
                                                .replace(
                                                        "\"amount\":1.25",
                                                        "\"type\":\"refund\",\"amount\":1.25"),
                                        "unknown type 'refund'")
                                : pair(
                                        cost.apply(i)
                                                .replace(
                                                        "\"amount\":1.25",
                                                        "\"operation\":\"mine_bitcoin\""),
                                        "unknown operation 'mine_bitcoin'"));
        return generate(
                kinds,
                count,
                seed,
                i ->
                        i % 2 == 0
                                ? pair(
                                        cost.apply(i)
                                                .replace(
                                                        "\"event_id\":\"" + tag + "-" + i + "\"",
                                                        "\"event_id\":\""
                                                                + "E".repeat(hugeLength(i))
                                                                + i
                                                                + "\""),
                                        "event_id is longer than 256 characters")
                                : pair(
                                        cost.apply(i)
                                                .replace(
                                                        "\"amount\":1.25",
                                                        "\"amount\":1.25,\"model\":\""
                                                                + "M".repeat(hugeLength(i))
                                                                + "\""),
                                        "model is longer than 128 characters"));
    }

    /** Bad agent activity events for Pub/Sub {@code agent-activity}. */
    public static List<Bad> activityEvents(int count, long seed, String tag) {
        IntFunction<String> decision = i -> decision(tag, i);
        Map<String, IntFunction<String[]>> kinds = new LinkedHashMap<>();
        common(kinds, decision, "agent_id");
        kinds.put(
                "wrong-type",
                i ->
                        switch (i % 3) {
                            case 0 ->
                                    pair(
                                            decision.apply(i)
                                                    .replace(
                                                            "\"agent_id\":\"bad-agent\"",
                                                            "\"agent_id\":7"),
                                            "agent_id is not a string");
                            case 1 ->
                                    pair(
                                            decision.apply(i)
                                                    .replace(
                                                            "\"confidence\":0.5",
                                                            "\"confidence\":\"high\""),
                                            "confidence is not a number");
                            default ->
                                    pair(
                                            decision.apply(i)
                                                    .replace(
                                                            "\"confidence\":0.5",
                                                            "\"memory_context\":\"m1\""),
                                            "memory_context is not an array");
                        });
        kinds.put(
                "missing-key",
                i -> {
                    String key =
                            List.of("event_id", "type", "agent_id", "timestamp", "decision_type")
                                    .get(i % 5);
                    return pair(without(decision.apply(i), key), "missing " + key);
                });
        kinds.put(
                "non-finite",
                i ->
                        pair(
                                decision.apply(i)
                                        .replace("\"confidence\":0.5", "\"confidence\":1e999"),
                                "confidence is not finite"));
        kinds.put(
                "out-of-range",
                i ->
                        i % 2 == 0
                                ? pair(
                                        decision.apply(i)
                                                .replace(
                                                        "\"confidence\":0.5", "\"confidence\":1.5"),
                                        "confidence must lie in [0, 1]")
                                : pair(
                                        decision.apply(i)
                                                .replace(
                                                        "\"confidence\":0.5",
                                                        "\"costs_incurred\":[{\"type\":\"llm\","
                                                                + "\"amount\":-1}]"),
                                        "costs_incurred amount is negative"));
        kinds.put(
                "before-2009",
                i ->
                        pair(
                                decision.apply(i)
                                        .replace("\"timestamp\":" + T, "\"timestamp\":" + early(i)),
                                "timestamp is before 2009-01-01"));
        kinds.put(
                "far-future",
                i ->
                        pair(
                                decision.apply(i)
                                        .replace(
                                                "\"timestamp\":" + T, "\"timestamp\":" + future(i)),
                                "timestamp is too far in the future"));
        kinds.put(
                "sql-metacharacters",
                i ->
                        pair(
                                decision.apply(i)
                                        .replace(
                                                "\"agent_id\":\"bad-agent\"",
                                                "\"agent_id\":"
                                                        + quote(
                                                                SQL_AGENTS.get(
                                                                        i % SQL_AGENTS.size()))),
                                "agent_id must match"));
        kinds.put(
                "unknown-type",
                i ->
                        pair(
                                decision.apply(i)
                                        .replace("\"type\":\"decision\"", "\"type\":\"dream\""),
                                "unknown type 'dream'"));
        return generate(
                kinds,
                count,
                seed,
                i ->
                        i % 2 == 0
                                ? pair(
                                        decision.apply(i)
                                                .replace(
                                                        "\"event_id\":\"" + tag + "-" + i + "\"",
                                                        "\"event_id\":\""
                                                                + "E".repeat(hugeLength(i))
                                                                + i
                                                                + "\""),
                                        "event_id is longer than 256 characters")
                                : pair(
                                        decision.apply(i)
                                                .replace(
                                                        "\"confidence\":0.5",
                                                        "\"confidence\":0.5,\"reasoning\":\""
                                                                + "R".repeat(hugeLength(i))
                                                                + "\""),
                                        "reasoning is longer than 10000 characters"));
    }

    /** A valid decision of the activity job's input. */
    private static String decision(String tag, int i) {
        return "{\"event_id\":\""
                + tag
                + "-"
                + i
                + "\",\"type\":\"decision\",\"agent_id\":\"bad-agent\",\"timestamp\":"
                + T
                + ",\"decision_type\":\"trade\",\"confidence\":0.5}";
    }

    /** The kinds every JSON input shares; {@code required} is a required string field. */
    private static void common(
            Map<String, IntFunction<String[]>> kinds, IntFunction<String> valid, String required) {
        kinds.put(
                "truncated-json",
                i -> {
                    String s = valid.apply(i);
                    // Cut inside the object, never down to nothing.
                    return pair(s.substring(0, 1 + (i * 7919) % (s.length() - 1)), "invalid JSON");
                });
        kinds.put(
                "invalid-json",
                i -> {
                    String s = valid.apply(i);
                    return switch (i % 6) {
                        case 0 -> pair(s.replace('"', '\''), "invalid JSON");
                        case 1 -> pair(s.substring(0, s.length() - 1) + ",}", "invalid JSON");
                        case 2 -> pair(s + "}", "invalid JSON");
                        case 3 -> pair(s.replaceFirst(":[^,]+,", ":NaN,"), "invalid JSON");
                        case 4 ->
                                pair(
                                        s.replace("{", "{\"" + required + "\":\"dup\","),
                                        "invalid JSON");
                        default -> pair("<record id=\"" + i + "\"/>", "invalid JSON");
                    };
                });
        kinds.put(
                "control-characters",
                i ->
                        pair(
                                valid.apply(i).replaceFirst(":\"", ":\"\u0000\u0001\u001b"),
                                "invalid JSON"));
        kinds.put(
                "nesting-bomb",
                i -> pair("[".repeat(2000 + i % 100) + "]".repeat(2000 + i % 100), "invalid JSON"));
        kinds.put(
                "number-bomb",
                i ->
                        pair(
                                "{\"n" + i + "\":" + "9".repeat(5000) + "}",
                                "invalid JSON: Number value length"));
        kinds.put(
                "not-an-object",
                i ->
                        switch (i % 5) {
                            case 0 -> pair("[" + valid.apply(i) + "]", "not a JSON object");
                            case 1 -> pair(Integer.toString(i), "not a JSON object");
                            case 2 -> pair("\"record " + i + "\"", "not a JSON object");
                            case 3 -> pair(i % 2 == 0 ? "true" : "false", "not a JSON object");
                            default -> pair("null", "not a JSON object");
                        });
        kinds.put("empty", i -> pair(" ".repeat(i % 3), "empty payload"));
    }

    private static List<Bad> generate(
            Map<String, IntFunction<String[]>> kinds,
            int count,
            long seed,
            IntFunction<String[]> huge) {
        List<Bad> out = new ArrayList<>(count);
        List<String> names = new ArrayList<>(kinds.keySet());
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            // Evenly over the kinds, in a seeded random order, huge strings only a few times.
            String kind;
            String[] bad;
            if (i % (count / HUGE_PER_INPUT) == 0) {
                kind = "huge-string";
                bad = huge.apply(i);
            } else {
                kind = names.get(random.nextInt(names.size()));
                bad = kinds.get(kind).apply(i);
            }
            out.add(new Bad(kind, bad[0], bad[1]));
        }
        return out;
    }

    /**
     * The bad records without a dead letter among {@code letters} ({payload, reason} pairs): each
     * letter matches one record with the same stored payload (cut as {@link DeadLetter} cuts it;
     * with {@code text}, NUL as PostgreSQL text stores it) and a reason starting with the record's.
     */
    public static List<Bad> unmatched(List<Bad> bad, List<String[]> letters, boolean text) {
        Map<String, List<Bad>> open = new java.util.HashMap<>();
        for (Bad b : bad) {
            String stored = b.stored();
            if (stored.length() > DeadLetter.MAX_PAYLOAD_CHARS) {
                stored = stored.substring(0, DeadLetter.MAX_PAYLOAD_CHARS);
            }
            if (text) {
                stored = stored.replace('\u0000', '\uFFFD');
            }
            open.computeIfAbsent(stored, k -> new ArrayList<>()).add(b);
        }
        for (String[] letter : letters) {
            List<Bad> candidates = open.getOrDefault(letter[0], List.of());
            for (int i = 0; i < candidates.size(); i++) {
                if (letter[1].startsWith(candidates.get(i).reason())) {
                    candidates.remove(i);
                    break;
                }
            }
        }
        return open.values().stream().flatMap(List::stream).toList();
    }

    /** A Markdown table of the kinds tried per input. */
    public static String kindsTable(Map<String, List<Bad>> byInput) {
        Map<String, Map<String, Long>> counts = new java.util.TreeMap<>();
        byInput.forEach(
                (input, bad) ->
                        countByKind(bad)
                                .forEach(
                                        (kind, n) ->
                                                counts.computeIfAbsent(
                                                                kind, k -> new LinkedHashMap<>())
                                                        .put(input, n)));
        StringBuilder out = new StringBuilder("| Kind |");
        byInput.keySet().forEach(input -> out.append(' ').append(input).append(" |"));
        out.append(" Total |\n|---|");
        byInput.keySet().forEach(input -> out.append("---:|"));
        out.append("---:|\n");
        long[] totals = new long[byInput.size() + 1];
        counts.forEach(
                (kind, perInput) -> {
                    out.append("| ").append(kind).append(" |");
                    long sum = 0;
                    int col = 0;
                    for (String input : byInput.keySet()) {
                        long n = perInput.getOrDefault(input, 0L);
                        out.append(' ').append(n).append(" |");
                        totals[col++] += n;
                        sum += n;
                    }
                    totals[col] += sum;
                    out.append(' ').append(sum).append(" |\n");
                });
        out.append("| **all** |");
        for (long t : totals) {
            out.append(" **").append(t).append("** |");
        }
        return out.append('\n').toString();
    }

    /** The kinds and how many of each. */
    public static Map<String, Long> countByKind(List<Bad> bad) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        bad.forEach(b -> counts.merge(b.kind(), 1L, Long::sum));
        return counts;
    }

    private static String trade(int i) {
        return "{\"symbol\":\"BAD-X\",\"ts\":"
                + T
                + ",\"price\":100.5,\"size\":0.25,\"trade_id\":\"b"
                + i
                + "\"}";
    }

    private static String snapshot(int i) {
        return "{\"timestamp\":"
                + T
                + ",\"btc_price\":801.5,\"btc_24h_change\":-2.5,\"fear_greed_index\":45,\"data_source\":\"c"
                + i
                + "\"}";
    }

    private static String cost(String tag, int i) {
        return "{\"event_id\":\""
                + tag
                + "-"
                + i
                + "\",\"agent_id\":\"bad-agent\",\"timestamp\":"
                + T
                + ",\"amount\":1.25,\"cost_type\":\"llm_cost\"}";
    }

    /** The record without one key (and its value). */
    private static String without(String json, String key) {
        String result = json.replaceFirst("\"" + key + "\":(\"[^\"]*\"|[^,}]*),?", "");
        return result.replace(",}", "}");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static long early(int i) {
        // From the epoch up to just before 2009-01-01, negative times included.
        return (i % 3 == 0 ? -1L : 1L) * (1_000_000L * i % 1_230_000_000_000L);
    }

    private static long future(int i) {
        // Year 3000 and beyond.
        return 32_503_680_000_000L + 1000L * i;
    }

    private static int hugeLength(int i) {
        return 100_000 + 997 * (i % 50);
    }

    private static String[] pair(String payload, String reason) {
        return new String[] {payload, reason};
    }
}
