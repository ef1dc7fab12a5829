package com.athena.common.activity;

import java.util.Objects;

/**
 * A memory as {@code memory_formations} holds it: its formation, how often it was recalled and when
 * last (event time). {@link #formed} is false while only recalls are known (a recall that came
 * before its formation).
 */
public class MemoryRecord {
    public String memoryId;
    public boolean formed;

    /** The formation event; null until formed. */
    public ActivityEvent formation;

    public long recallCount;

    /** Event time of the latest recall, epoch millis; null without one. */
    public Long lastRecalled;

    /**
     * What this version of the record follows: {@link #FORMATION} or {@link #RECALL}; null in
     * state.
     */
    public String change;

    public static final String FORMATION = "formation";
    public static final String RECALL = "recall";

    public MemoryRecord() {}

    /** Whether this version is the memory's formation (not a recall after it). */
    public boolean isFormationRecord() {
        return FORMATION.equals(change);
    }

    /** Applies a formation (the first one wins: a memory forms once). */
    public boolean form(ActivityEvent formation) {
        if (formed) {
            return false;
        }
        this.memoryId = formation.memoryId;
        this.formation = formation;
        this.formed = true;
        return true;
    }

    /** Applies a recall at the given event time. */
    public void recall(String memoryId, long eventTime) {
        this.memoryId = memoryId;
        recallCount++;
        if (lastRecalled == null || eventTime > lastRecalled) {
            lastRecalled = eventTime;
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MemoryRecord)) {
            return false;
        }
        MemoryRecord m = (MemoryRecord) o;
        return formed == m.formed
                && recallCount == m.recallCount
                && Objects.equals(memoryId, m.memoryId)
                && Objects.equals(change, m.change)
                && Objects.equals(formation, m.formation)
                && Objects.equals(lastRecalled, m.lastRecalled);
    }

    @Override
    public int hashCode() {
        return Objects.hash(memoryId, recallCount, lastRecalled);
    }

    @Override
    public String toString() {
        return "MemoryRecord{"
                + memoryId
                + " formed="
                + formed
                + " recalls="
                + recallCount
                + " last="
                + lastRecalled
                + '}';
    }
}
