package com.athena.jobs.reliability;

import com.athena.common.json.JsonFields;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The treasury events of a run: four agents over five days from {@link #FIRST_DAY}. Days 1-4
 * ({@link #phaseA}) in half-day steps, the fifth day's morning ({@link #phaseB}) for the fault
 * window, and the {@link #tick}.
 */
final class TreasuryFeed {
    /** A treasury input event: Pub/Sub (costs) or Kafka (balance events), its time and JSON. */
    record Event(boolean pubsub, String agent, String id, long time, String json) {}

    private static final LocalDate FIRST_DAY = LocalDate.of(2024, 3, 1);
    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;
    private static final long MINUTE = 60_000L;

    /** One agent of the treasury feed: opening balance, burn estimate and cost per day. */
    private record Profile(String name, double balance, double estimate, double dailyCost) {}

    /**
     * A steady agent, one that drifts into desperate, one that passes the daily cost limit every
     * day (cost-saving mode), and one rescued by a deposit: state changes, so history rows.
     */
    private static final List<Profile> PROFILES =
            List.of(
                    new Profile("steady", 1000.0, 3.0, 3.0),
                    new Profile("lean", 30.0, 3.5, 3.6),
                    new Profile("spender", 500.0, 6.0, 6.5),
                    new Profile("rescued", 12.0, 2.0, 2.1));

    private final String prefix;
    private final List<Event> phaseA = new ArrayList<>();
    private final List<Event> phaseB = new ArrayList<>();
    private final Event tick;

    TreasuryFeed(String prefix) {
        this.prefix = prefix;
        long start = FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        for (int a = 0; a < PROFILES.size(); a++) {
            addAgent(a, start);
        }
        // One balance report, a rescue and a withdrawal inside the first four days.
        phaseA.add(
                balance(
                        agent(1),
                        agent(1) + "-report",
                        start + 2 * DAY + 12 * HOUR + 10 * MINUTE,
                        20.0,
                        Double.NaN));
        phaseA.add(
                amount(
                        agent(3),
                        agent(3) + "-rescue",
                        "deposit",
                        start + DAY + 6 * HOUR + 15 * MINUTE,
                        100.0));
        phaseA.add(
                amount(
                        agent(0),
                        agent(0) + "-payout",
                        "withdrawal",
                        start + 3 * DAY + 18 * HOUR + 15 * MINUTE,
                        50.0));
        Comparator<Event> order = Comparator.comparingLong(Event::time).thenComparing(Event::id);
        phaseA.sort(order);
        phaseB.sort(order);
        String tickAgent = prefix + "-zz-tick";
        tick =
                new Event(
                        true,
                        tickAgent,
                        tickAgent + "-0",
                        start + 34 * DAY,
                        costJson(tickAgent, tickAgent + "-0", start + 34 * DAY)
                                .put("amount", 0.01)
                                .put("cost_type", "api_cost")
                                .toString());
    }

    /**
     * Agent {@code a}'s events: its opening balance and the costs of days 1-4 (phase A), the fifth
     * day's morning (phase B).
     */
    private void addAgent(int a, long start) {
        Profile p = PROFILES.get(a);
        String agent = agent(a);
        phaseA.add(balance(agent, agent + "-open", start + a * 1000L, p.balance(), p.estimate()));
        for (int d = 0; d < 4; d++) {
            for (int i = 0; i < 12; i++) {
                long time = start + d * DAY + 30 * MINUTE + i * 2 * HOUR + a * MINUTE;
                phaseA.add(cost(agent, agent + "-c" + d + "-" + i, time, p, i, d, a, 6));
            }
        }
        // Half-day morning of day 5: a cost every ten minutes, a deposit every two hours.
        for (int k = 0; k < 72; k++) {
            long time = start + 4 * DAY + 5 * MINUTE + k * 10 * MINUTE + a * MINUTE;
            phaseB.add(cost(agent, agent + "-m" + k, time, p, 2 * k, 4, a, 36));
        }
        for (int j = 0; j < 6; j++) {
            long time = start + 4 * DAY + HOUR + 15 * MINUTE + j * 2 * HOUR + a * 1000L;
            phaseB.add(amount(agent, agent + "-d" + j, "deposit", time, 0.25 * (a + 1)));
        }
    }

    String agent(int a) {
        return prefix + "-" + PROFILES.get(a).name;
    }

    List<String> agents() {
        List<String> agents = new ArrayList<>();
        for (int a = 0; a < PROFILES.size(); a++) {
            agents.add(agent(a));
        }
        return agents;
    }

    /** Days 1-4 in steps of half a day (the watermark's bound is a day). */
    List<List<Event>> phaseA() {
        long start = FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Map<Long, List<Event>> steps = new TreeMap<>();
        for (Event e : phaseA) {
            steps.computeIfAbsent((e.time - start) / (12 * HOUR), k -> new ArrayList<>()).add(e);
        }
        return new ArrayList<>(steps.values());
    }

    List<Event> phaseB() {
        return phaseB;
    }

    Event tick() {
        return tick;
    }

    List<Event> all() {
        List<Event> all = new ArrayList<>(phaseA);
        all.addAll(phaseB);
        all.add(tick);
        return all;
    }

    long count(boolean pubsub) {
        return all().stream().filter(e -> e.pubsub == pubsub).count();
    }

    /**
     * A cost: an amount (LLM or other), an LLM call priced by tokens, or an API call, about {@code
     * p.dailyCost / perDay} each on average.
     */
    private static Event cost(
            String agent, String id, long time, Profile p, int i, int d, int a, int perDay) {
        ObjectNode json = costJson(agent, id, time);
        double factor = 0.5 + ((i * 5 + d * 3 + a) % 7) / 6.0;
        switch (i % 4) {
            case 1 ->
                    json.put("operation", "llm_call")
                            .put("model", "gpt-4o-mini")
                            .put("input_tokens", 1000 + 250 * ((i + d) % 5))
                            .put("output_tokens", 200 + 50 * ((i + a) % 3));
            case 3 -> json.put("operation", "api_call");
            default ->
                    json.put("amount", Math.round(p.dailyCost() / perDay * factor * 100) / 100.0)
                            .put("cost_type", i % 8 == 0 ? "llm_cost" : "compute");
        }
        return new Event(true, agent, id, time, json.toString());
    }

    private static ObjectNode costJson(String agent, String id, long time) {
        return JsonFields.MAPPER
                .createObjectNode()
                .put("event_id", id)
                .put("agent_id", agent)
                .put("timestamp", Instant.ofEpochMilli(time).toString());
    }

    private static Event balance(
            String agent, String id, long time, double balance, double estimate) {
        ObjectNode json =
                costJson(agent, id, time).put("type", "balance").put("balance_usd", balance);
        if (!Double.isNaN(estimate)) {
            json.put("daily_burn_rate", estimate);
        }
        return new Event(false, agent, id, time, json.toString());
    }

    private static Event amount(String agent, String id, String type, long time, double amount) {
        return new Event(
                false,
                agent,
                id,
                time,
                costJson(agent, id, time).put("type", type).put("amount", amount).toString());
    }
}
