package com.athena.jobs;

import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;
import com.athena.jobs.treasury.TreasuryOptions;
import com.athena.jobs.treasury.TreasurySettings;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The idle retentions are checked at start-up: one that would cut a series between two bars, or an
 * agent within its burn window or before its remembered ids expire, stops the job from starting.
 */
class IdleRetentionSettingsTest {

    @Test
    void theDefaultsAreAWeekForTheMarketAndThirtyDaysForTheTreasury() {
        assertThat(new MarketSettings(new Configuration()).idleRetention)
                .isEqualTo(Duration.ofDays(7));
        assertThat(new TreasurySettings(new Configuration()).idleRetention)
                .isEqualTo(Duration.ofDays(30));
    }

    @Test
    void theMarketRetentionMustBeAtLeastTwiceTheLongestTimeframe() {
        Configuration config = new Configuration();
        config.set(MarketOptions.STATE_IDLE_RETENTION, Duration.ofHours(47));
        assertThatThrownBy(() -> new MarketSettings(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("market.state.idle-retention")
                .hasMessageContaining("1d");
        config.set(MarketOptions.STATE_IDLE_RETENTION, Duration.ofHours(48));
        assertThat(new MarketSettings(config).idleRetention).isEqualTo(Duration.ofDays(2));
        // Without the daily bars, a shorter retention is enough.
        config.set(MarketOptions.TIMEFRAMES, "1m,5m");
        config.set(MarketOptions.CONDITIONS_TIMEFRAME, "5m");
        config.set(MarketOptions.STATE_IDLE_RETENTION, Duration.ofMinutes(10));
        assertThat(new MarketSettings(config).idleRetention).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theTreasuryRetentionMustOutlastTheBurnWindowAndTheDedupTtl() {
        Configuration config = new Configuration();
        // Burn window 7 days plus the open day.
        config.set(TreasuryOptions.STATE_IDLE_RETENTION, Duration.ofDays(8));
        assertThatThrownBy(() -> new TreasurySettings(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("treasury.state.idle-retention");
        config.set(TreasuryOptions.STATE_IDLE_RETENTION, Duration.ofDays(9));
        config.set(TreasuryOptions.DEDUP_TTL, Duration.ofDays(10));
        assertThatThrownBy(() -> new TreasurySettings(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("treasury.dedup.ttl");
        config.set(TreasuryOptions.DEDUP_TTL, Duration.ofDays(9));
        assertThat(new TreasurySettings(config).idleRetention).isEqualTo(Duration.ofDays(9));
    }
}
