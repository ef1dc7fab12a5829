package com.athena.common.treasury;

import com.athena.common.json.InvalidRecordException;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * No event makes a balance infinite or beyond {@link TreasuryBounds}: the two deposits of
 * 1e308 are refused by the parser, and deposits within the amount bound that would add up beyond
 * the balance bound are refused by the engine, leaving the balance as it was.
 */
class TreasuryBoundsTest {
    private static final long T = Instant.parse("2024-01-15T10:00:00Z").toEpochMilli();

    private final TreasuryEventParser parser =
            new TreasuryEventParser(CostPricing.DEFAULT, 120_000L);

    private TreasuryEvent parse(String members) throws InvalidRecordException {
        return parser.parse(
                "{\"event_id\":\"e1\",\"agent_id\":\"a1\",\"timestamp\":" + T + "," + members + "}",
                T);
    }

    @Test
    void amountsAndReportedBalancesBeyondTheBoundsAreInvalid() throws Exception {
        assertThatThrownBy(() -> parse("\"type\":\"deposit\",\"amount\":1e308"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("above the bound");
        assertThatThrownBy(() -> parse("\"amount\":2e12"))
                .hasMessageContaining("amount 2.0E12 is above the bound");
        assertThatThrownBy(() -> parse("\"type\":\"balance\",\"balance_usd\":-1e14"))
                .hasMessageContaining("beyond the bound");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "\"type\":\"balance\",\"balance_usd\":1,"
                                                + "\"daily_burn_rate\":1e300"))
                .hasMessageContaining("daily_burn_rate");
        assertThat(parse("\"type\":\"deposit\",\"amount\":1e12").amount).isEqualTo(1e12);
    }

    @Test
    void anEventThatWouldMoveTheBalanceBeyondTheBoundIsRefusedAndChangesNothing() {
        TreasuryEngine engine = new TreasuryEngine(TreasuryRules.DEFAULT);
        TreasuryState s = new TreasuryState();
        CrashTimeline market = new CrashTimeline();
        Recorder out = new Recorder();
        for (int i = 0; i < 10; i++) {
            assertThat(
                            engine.onEvent(
                                    s,
                                    TreasuryEvent.transfer(
                                            "d" + i, "a1", T + i, TreasuryEventType.DEPOSIT, 1e12),
                                    market,
                                    out))
                    .isEqualTo(TreasuryEngine.Outcome.APPLIED);
        }
        assertThat(s.balance).isEqualTo(1e13);
        int snapshots = out.snapshots.size();

        TreasuryEngine.Outcome outcome =
                engine.onEvent(
                        s,
                        TreasuryEvent.transfer("d10", "a1", T + 10, TreasuryEventType.DEPOSIT, 1),
                        market,
                        out);

        assertThat(outcome).isEqualTo(TreasuryEngine.Outcome.REJECTED_BOUNDS);
        assertThat(out.rejected).singleElement().asString().startsWith("d10: would move");
        assertThat(s.balance).isEqualTo(1e13);
        assertThat(out.snapshots).hasSize(snapshots);
        assertThat(Double.isFinite(s.balance)).isTrue();
    }
}
