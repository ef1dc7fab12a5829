package com.athena.jobs.treasury;

import com.athena.common.treasury.TreasuryState;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The treasury operator's gauges, what deploy/prometheus/rules.yml alerts on: per agent (under the
 * group {@value #AGENT_GROUP}, which Prometheus sees as the label {@code agent}) the runway,
 * survival mode, the open day's cost, the burn rate and the crash override; per operator the daily
 * cost limit, the market's crash override and how many agents have gauges or were left without.
 *
 * <p>The agent label's cardinality is bounded: each subtask registers gauges for at most {@code
 * maxAgents} agents (the first it steps after it starts), and counts each further agent once in
 * {@value #AGENTS_WITHOUT_GAUGES}. Values are read from the keyed state the function has just
 * saved, so no state of its own is kept: after a restore an agent's gauges come back with its next
 * step. Only the task thread writes; the reporter reads the volatile values.
 */
final class TreasuryGauges {
    static final String AGENT_GROUP = "agent";
    static final String RUNWAY_DAYS = "runwayDays";
    static final String SURVIVAL_MODE = "survivalMode";
    static final String DAILY_COST = "dailyCostUsd";
    static final String BURN_RATE = "burnRateUsdPerDay";
    static final String AGENT_CRASH_OVERRIDE = "crashOverride";
    static final String DAILY_COST_LIMIT = "dailyCostLimitUsd";
    static final String MARKET_CRASH_OVERRIDE = "marketCrashOverride";
    static final String AGENTS_WITH_GAUGES = "agentsWithGauges";
    static final String AGENTS_WITHOUT_GAUGES = "agentsWithoutGauges";

    /** One agent's values as of its last step. */
    static final class AgentValues {
        volatile double runwayDays = Double.NaN;
        volatile int survivalMode;
        volatile double dailyCostUsd;
        volatile double burnRateUsdPerDay = Double.NaN;
        volatile int crashOverride;

        private void set(TreasuryState s) {
            runwayDays = s.runway;
            survivalMode = s.survivalMode ? 1 : 0;
            dailyCostUsd = s.openDayCost;
            burnRateUsdPerDay = s.burnRate;
            crashOverride = s.crashOverride ? 1 : 0;
        }
    }

    private final MetricGroup group;
    private final int maxAgents;
    private final Map<String, AgentValues> agents = new HashMap<>();
    // One id per live agent beyond the cap, so that each is counted once; dropped when the agent
    // is cleared for idleness, so it stays bounded by the live agents.
    private final Set<String> withoutGauges = new HashSet<>();
    private final Counter agentsWithoutGauges;
    private volatile int marketCrashOverride;

    TreasuryGauges(MetricGroup group, int maxAgents, double dailyCostLimitUsd) {
        if (maxAgents < 0) {
            throw new IllegalArgumentException("maxAgents must not be negative, got " + maxAgents);
        }
        this.group = group;
        this.maxAgents = maxAgents;
        group.gauge(DAILY_COST_LIMIT, (Gauge<Double>) () -> dailyCostLimitUsd);
        group.gauge(MARKET_CRASH_OVERRIDE, (Gauge<Integer>) () -> marketCrashOverride);
        group.gauge(AGENTS_WITH_GAUGES, (Gauge<Integer>) agents::size);
        agentsWithoutGauges = group.counter(AGENTS_WITHOUT_GAUGES);
    }

    /** The agent's gauges follow its state; a new agent gets gauges while there is room. */
    void update(TreasuryState s) {
        if (s.agentId == null) {
            return;
        }
        AgentValues values = agents.get(s.agentId);
        if (values == null) {
            if (agents.size() >= maxAgents) {
                if (withoutGauges.add(s.agentId)) {
                    agentsWithoutGauges.inc();
                }
                return;
            }
            values = register(s.agentId);
        }
        values.set(s);
    }

    /**
     * The agent's state was cleared for idleness: its gauges (which Flink cannot unregister) read
     * unknown, and it no longer takes room in the set of agents without gauges.
     */
    void cleared(String agentId) {
        if (agentId == null) {
            return;
        }
        withoutGauges.remove(agentId);
        AgentValues values = agents.get(agentId);
        if (values != null) {
            values.runwayDays = Double.NaN;
            values.survivalMode = 0;
            values.dailyCostUsd = 0;
            values.burnRateUsdPerDay = Double.NaN;
            values.crashOverride = 0;
        }
    }

    /** Whether the newest crash signal the treasury received turned the override on. */
    void marketCrashOverride(boolean on) {
        marketCrashOverride = on ? 1 : 0;
    }

    /** The values behind an agent's gauges, or null if it has none (tests). */
    AgentValues agent(String agentId) {
        return agents.get(agentId);
    }

    int marketCrashOverride() {
        return marketCrashOverride;
    }

    long agentsWithoutGauges() {
        return agentsWithoutGauges.getCount();
    }

    private AgentValues register(String agentId) {
        AgentValues v = new AgentValues();
        MetricGroup agent = group.addGroup(AGENT_GROUP, agentId);
        agent.gauge(RUNWAY_DAYS, (Gauge<Double>) () -> v.runwayDays);
        agent.gauge(SURVIVAL_MODE, (Gauge<Integer>) () -> v.survivalMode);
        agent.gauge(DAILY_COST, (Gauge<Double>) () -> v.dailyCostUsd);
        agent.gauge(BURN_RATE, (Gauge<Double>) () -> v.burnRateUsdPerDay);
        agent.gauge(AGENT_CRASH_OVERRIDE, (Gauge<Integer>) () -> v.crashOverride);
        agents.put(agentId, v);
        return v;
    }
}
