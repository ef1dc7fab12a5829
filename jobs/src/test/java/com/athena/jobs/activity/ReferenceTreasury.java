package com.athena.jobs.activity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The treasury's {@code treasury_snapshots} rows of one agent for the generated day, derived from
 * the day's inputs by the rules as docs/semantics.md states them, with the shipped defaults and no
 * project code: on day 0 the burn is the balance event's estimate, at the day's close the mean of
 * the day's cost; runway = balance / burn; stable from 30 days, cautious from 6, desperate below, a
 * better state only at its threshold × 1.1; the crash override (btc_24h_change ≤ -10 or fear &amp;
 * greed ≤ 15 triggers, &gt; -5 and ≥ 25 releases) publishes desperate; survival mode while
 * desperate; cost-saving mode once the day's cost passes 5 USD, until the close. A row per step
 * that changes the published state, survival or cost-saving mode, and one at the day's close (its
 * last millisecond).
 */
final class ReferenceTreasury {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STATES = List.of("stable", "cautious", "desperate");

    private double balance = Double.NaN;
    private double burnEstimate = Double.NaN;
    private double dayCost;
    private boolean costSaving;
    private boolean override;
    private String runwayState;
    private String published;
    private boolean survival;
    private final String agent;
    private final List<ActivityViews.Snapshot> rows = new ArrayList<>();

    private ReferenceTreasury(String agent) {
        this.agent = agent;
    }

    /** The agent's rows of the day, in time order; {@code market} gives the override's changes. */
    static List<ActivityViews.Snapshot> snapshots(
            ActivityDay day, String agent, List<ActivityViews.Market> market) throws Exception {
        record Step(long time, String kind, JsonNode event, Boolean trigger) {}
        List<Step> steps = new ArrayList<>();
        for (String b : day.balances()) {
            JsonNode n = JSON.readTree(b);
            if (n.get("agent_id").asText().equals(agent)) {
                steps.add(new Step(time(n), "balance", n, null));
            }
        }
        for (String c : day.costs()) {
            JsonNode n = JSON.readTree(c);
            if (n.get("agent_id").asText().equals(agent)) {
                steps.add(new Step(time(n), "cost", n, null));
            }
        }
        for (ActivityViews.Market m : market) {
            boolean trigger =
                    (m.btc24h() != null && m.btc24h() <= -10)
                            || (m.fearGreed() != null && m.fearGreed() <= 15);
            boolean release =
                    m.btc24h() != null
                            && m.btc24h() > -5
                            && m.fearGreed() != null
                            && m.fearGreed() >= 25;
            if (trigger || release) {
                steps.add(new Step(m.millis(), "market", null, trigger));
            }
        }
        steps.sort(Comparator.comparingLong(Step::time));
        ReferenceTreasury t = new ReferenceTreasury(agent);
        for (Step s : steps) {
            boolean costSavingBefore = t.costSaving;
            switch (s.kind()) {
                case "balance" -> {
                    t.balance = s.event().get("balance_usd").asDouble();
                    t.burnEstimate = s.event().get("daily_burn_rate").asDouble();
                }
                case "cost" -> {
                    t.balance -= s.event().get("amount").asDouble();
                    t.dayCost += s.event().get("amount").asDouble();
                    t.costSaving |= t.dayCost > 5.0;
                }
                default -> {
                    if (s.trigger() == t.override) {
                        continue; // no change of the override: no step
                    }
                    t.override = s.trigger();
                }
            }
            t.evaluate(s.time(), t.burnEstimate, t.costSaving != costSavingBefore, "event");
        }
        t.costSaving = false;
        t.evaluate(ActivityDay.D0 + 24 * ActivityDay.HOUR - 1, t.dayCost, true, "day_close");
        return t.rows;
    }

    private void evaluate(long time, double burn, boolean modeChanged, String type) {
        double runway = balance / burn;
        runwayState = next(runwayState, runway);
        String before = published;
        boolean survivalBefore = survival;
        published = override ? "desperate" : runwayState;
        survival = published.equals("desperate");
        if (!published.equals(before) || survival != survivalBefore || modeChanged) {
            int i = STATES.indexOf(published);
            rows.add(
                    new ActivityViews.Snapshot(
                            agent,
                            time,
                            balance,
                            burn,
                            runway,
                            published,
                            new double[] {0.75, 0.65, 0.5}[i],
                            new double[] {0.6, 0.4, 0.1}[i],
                            survival,
                            type));
        }
    }

    private static String next(String current, double runway) {
        String target = runway < 6 ? "desperate" : runway < 30 ? "cautious" : "stable";
        if (current == null || STATES.indexOf(target) >= STATES.indexOf(current)) {
            return target;
        }
        if (runway >= 33) {
            return "stable";
        }
        return current.equals("desperate") && runway >= 6.6 ? "cautious" : current;
    }

    private static long time(JsonNode n) {
        return Instant.parse(n.get("timestamp").asText()).toEpochMilli();
    }
}
