package com.athena.jobs.market;

import com.athena.common.market.MarketConditions;

import com.google.cloud.Timestamp;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MarketConditionsDocumentsTest {

    private final MarketConditionsDocuments mapper = new MarketConditionsDocuments();

    static MarketConditions sample() {
        MarketConditions m = new MarketConditions();
        m.symbol = "BTC/USD";
        m.timestamp = Instant.parse("2024-01-15T10:37:12.345Z").toEpochMilli();
        m.timeframe = "1h";
        m.volatilityLevel = "high";
        m.volatilityConfidence = 0.85;
        m.dailyNatr = 0.072;
        m.btc24hChange = -5.2;
        m.eth24hChange = -6.8;
        m.sentimentLevel = "bearish";
        m.sentimentConfidence = 0.75;
        m.fearGreedIndex = 25;
        m.trendDirection = "downward";
        m.trendConfidence = 0.8;
        m.trendDurationHours = 18;
        return m;
    }

    @Test
    @SuppressWarnings("unchecked")
    void shapesTheSeedDocument() {
        MarketConditions m = sample();
        assertThat(mapper.collection(m)).isEqualTo("agent_data_market_conditions");
        assertThat(mapper.documentId(m)).isEqualTo("BTC_USD");
        assertThat(mapper.eventTime(m)).isEqualTo(m.timestamp);

        Map<String, Object> f = mapper.fields(m);
        assertThat(f)
                .containsOnlyKeys(
                        "condition_id",
                        "symbol",
                        "timeframe",
                        "timestamp",
                        "event_time",
                        "conditions");
        assertThat(f.get("condition_id")).isEqualTo("BTC/USD_2024011510");
        assertThat(f.get("symbol")).isEqualTo("BTC/USD");
        assertThat(f.get("timeframe")).isEqualTo("1h");
        assertThat(f.get("timestamp"))
                .isEqualTo(Timestamp.parseTimestamp("2024-01-15T10:37:12.345Z"));
        assertThat(f.get("event_time")).isEqualTo(m.timestamp);

        Map<String, Object> conditions = (Map<String, Object>) f.get("conditions");
        assertThat(conditions).containsOnlyKeys("volatility", "sentiment", "trend");
        Map<String, Object> volatility = (Map<String, Object>) conditions.get("volatility");
        assertThat(volatility)
                .containsEntry("level", "high")
                .containsEntry("confidence", 0.85)
                .containsOnlyKeys("level", "confidence", "metrics");
        assertThat((Map<String, Object>) volatility.get("metrics"))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "btc_24h_change", -5.2,
                                "eth_24h_change", -6.8,
                                "daily_natr", 0.072));
        assertThat((Map<String, Object>) conditions.get("sentiment"))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("level", "bearish", "confidence", 0.75, "fear_greed_index", 25));
        assertThat((Map<String, Object>) conditions.get("trend"))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("direction", "downward", "confidence", 0.8, "duration_hours", 18.0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void writesNullsWhereUnknown() {
        MarketConditions m = new MarketConditions();
        m.symbol = "ETH";
        m.timestamp = 0;
        Map<String, Object> f = mapper.fields(m);
        assertThat(f.get("condition_id")).isEqualTo("ETH_1970010100");
        assertThat(f).containsEntry("timeframe", null);
        Map<String, Object> conditions = (Map<String, Object>) f.get("conditions");
        Map<String, Object> volatility = (Map<String, Object>) conditions.get("volatility");
        assertThat(volatility).containsEntry("level", null).containsEntry("confidence", null);
        assertThat((Map<String, Object>) volatility.get("metrics"))
                .containsEntry("btc_24h_change", null)
                .containsEntry("daily_natr", null);
        assertThat((Map<String, Object>) conditions.get("sentiment"))
                .containsEntry("level", null)
                .containsEntry("confidence", null)
                .containsEntry("fear_greed_index", null);
        assertThat((Map<String, Object>) conditions.get("trend"))
                .containsEntry("direction", null)
                .containsEntry("confidence", null)
                .containsEntry("duration_hours", null);
    }

    @Test
    void rejectsSymbolsThatCannotBeIds() {
        MarketConditions m = sample();
        m.symbol = "..";
        assertThatThrownBy(() -> mapper.documentId(m)).isInstanceOf(IllegalArgumentException.class);
        m.symbol = "";
        assertThatThrownBy(() -> mapper.documentId(m)).isInstanceOf(IllegalArgumentException.class);
        m.symbol = null;
        assertThatThrownBy(() -> mapper.documentId(m)).isInstanceOf(IllegalArgumentException.class);
        m.symbol = "X".repeat(1501);
        assertThatThrownBy(() -> mapper.documentId(m)).isInstanceOf(IllegalArgumentException.class);
    }
}
