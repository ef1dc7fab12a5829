-- The survival watch list: every agent whose latest state is desperate, in survival mode, or
-- with less than 14 days of runway (days_until_bankruptcy), with the reason, most urgent first
-- when sorted by days_until_bankruptcy.
--   SELECT * FROM survival_watch_list;
--
-- The latest state of an agent is its newest row by event time among
--   - treasury_snapshots (JDBC): every day close and every step with a transition, read once when
--     the query starts: where each agent stood, and its runway as of its last day close;
--   - agent_transitions (Kafka, continuous): each change of emotional state or survival mode as
--     the treasury job makes it.
-- So the list is right from the start and then follows the transitions live: an agent enters it
-- when it turns desperate and leaves it (the row is retracted) when it recovers. A runway that
-- shrinks without a transition shows at the agent's next day close, on a later run.
-- In survival mode an agent is always desperate (the treasury rules); the runway threshold warns
-- earlier, while the agent is still cautious (6 to 30 days). Change the 14 to taste.

CREATE TEMPORARY VIEW survival_watch_list AS
SELECT agent_id,
       as_of,
       CASE
           WHEN survival_mode_active THEN 'survival_mode'
           WHEN emotional_state = 'desperate' THEN 'desperate'
           ELSE 'runway_below_14_days'
       END AS reason,
       emotional_state,
       survival_mode_active,
       days_until_bankruptcy,
       balance_usd,
       daily_burn_rate,
       origin
FROM (
    SELECT *,
           ROW_NUMBER() OVER (PARTITION BY agent_id ORDER BY as_of DESC, step DESC) AS row_num
    FROM (
        SELECT agent_id, ts AS as_of, `sequence` AS step, emotional_state,
               survival_mode_active, days_until_bankruptcy, balance_usd, daily_burn_rate,
               'snapshot:' || snapshot_type AS origin
        FROM treasury_snapshots
        UNION ALL
        -- A transition and the snapshot of its step say the same; the snapshot wins the tie.
        SELECT agent_id, CAST(transition_time AS TIMESTAMP(3)), CAST(-1 AS BIGINT),
               emotional_state, survival_mode_active, days_until_bankruptcy, balance_usd,
               daily_burn_rate, 'transition:' || transition_type
        FROM agent_transitions
        WHERE agent_id IS NOT NULL AND event_time IS NOT NULL
    )
)
WHERE row_num = 1
  AND (survival_mode_active
       OR emotional_state = 'desperate'
       OR days_until_bankruptcy < 14);
