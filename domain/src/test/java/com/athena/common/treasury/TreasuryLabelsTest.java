package com.athena.common.treasury;

import com.athena.common.json.Labeled;
import com.athena.common.market.Sentiment;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The enums' labels are the output strings, unchanged from when they were string literals. */
class TreasuryLabelsTest {

    private static String[] labels(Labeled[] values) {
        return Arrays.stream(values).map(Labeled::label).toArray(String[]::new);
    }

    @Test
    void labelsAreTheOutputStrings() {
        assertThat(labels(SnapshotType.values())).containsExactly("event", "day_close", "market");
        assertThat(TreasurySnapshot.DAY_CLOSE).isEqualTo("day_close");
        assertThat(labels(TransitionType.values()))
                .containsExactly("emotional_state", "survival_mode", "cost_saving_mode");
        assertThat(TreasuryTransition.COST_SAVING_MODE).isEqualTo("cost_saving_mode");
        assertThat(labels(TransitionEvent.values()))
                .containsExactly(
                        "emotional_state_changed",
                        "survival_mode_activated",
                        "survival_mode_deactivated",
                        "cost_saving_mode_activated",
                        "cost_saving_mode_deactivated");
        assertThat(labels(CostCategory.values())).containsExactly("llm_cost", "api_cost", "other");
        assertThat(labels(Sentiment.values()))
                .containsExactly("extreme_fear", "bearish", "neutral", "bullish", "extreme_greed");
        assertThat(labels(TreasuryEventType.values()))
                .containsExactly("cost", "balance", "deposit", "withdrawal");
    }

    @Test
    void labelsNameTheirConstants() {
        assertThat(Labeled.fromLabel(TransitionEvent.class, "survival_mode_activated"))
                .isEqualTo(TransitionEvent.SURVIVAL_MODE_ACTIVATED);
        assertThat(TransitionEvent.fromLabel("nope")).isNull();
        assertThat(TransitionEvent.fromLabel(null)).isNull();
        assertThat(CostCategory.of("llm_cost")).isEqualTo(CostCategory.LLM_COST);
        assertThat(CostCategory.of("api_cost")).isEqualTo(CostCategory.API_COST);
        assertThat(CostCategory.of("storage")).isEqualTo(CostCategory.OTHER);
        assertThat(CostCategory.of(null)).isEqualTo(CostCategory.OTHER);
    }

    @Test
    void transitionEventsKnowTheirTypeAndWhetherTheyActivate() {
        assertThat(TransitionEvent.mode(TransitionType.SURVIVAL_MODE, true))
                .isEqualTo(TransitionEvent.SURVIVAL_MODE_ACTIVATED);
        assertThat(TransitionEvent.mode(TransitionType.COST_SAVING_MODE, false))
                .isEqualTo(TransitionEvent.COST_SAVING_MODE_DEACTIVATED);
        assertThat(TransitionEvent.COST_SAVING_MODE_ACTIVATED.type())
                .isEqualTo(TransitionType.COST_SAVING_MODE);
        assertThat(Arrays.stream(TransitionEvent.values()).filter(TransitionEvent::activates))
                .containsExactly(
                        TransitionEvent.SURVIVAL_MODE_ACTIVATED,
                        TransitionEvent.COST_SAVING_MODE_ACTIVATED);
    }

    @Test
    void sentimentBandsEndAt20_40_60_80() {
        assertThat(Sentiment.of(0)).isEqualTo(Sentiment.EXTREME_FEAR);
        assertThat(Sentiment.of(20)).isEqualTo(Sentiment.EXTREME_FEAR);
        assertThat(Sentiment.of(21)).isEqualTo(Sentiment.BEARISH);
        assertThat(Sentiment.of(60)).isEqualTo(Sentiment.NEUTRAL);
        assertThat(Sentiment.of(80)).isEqualTo(Sentiment.BULLISH);
        assertThat(Sentiment.of(81)).isEqualTo(Sentiment.EXTREME_GREED);
        assertThat(Sentiment.of(100)).isEqualTo(Sentiment.EXTREME_GREED);
    }
}
