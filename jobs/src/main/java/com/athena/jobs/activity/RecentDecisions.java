package com.athena.jobs.activity;

import com.athena.common.activity.EnrichedDecision;

/**
 * An agent's most recent decisions (newest first), as {@code agent_data_decisions/{agent_id}} holds
 * them.
 */
public class RecentDecisions {
    public String agentId;

    /** Event time of the newest decision, epoch millis. */
    public long timestamp;

    public EnrichedDecision[] decisions;

    public RecentDecisions() {}
}
