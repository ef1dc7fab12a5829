package com.athena.jobs.reliability;

import com.athena.common.config.CommonOptions;
import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.RecordParser;
import com.athena.jobs.market.MarketSettings;
import com.athena.jobs.treasury.TreasurySettings;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every generated bad record is rejected by the production parser of its input, with the reason the
 * corpus names for it; every kind is present. The ITCases then feed the same corpus through the
 * real services.
 */
class BadInputCorpusTest {
    private static final Configuration CONFIG = CommonOptions.fromArgs(new String[0]);
    private static final MarketSettings MARKET = new MarketSettings(CONFIG);
    private static final TreasurySettings TREASURY = new TreasurySettings(CONFIG);

    @Test
    void badTradesAreRejectedWithTheirReasons() {
        List<BadInputCorpus.Bad> bad = BadInputCorpus.trades(3000, 1);
        assertRejected(bad, MARKET.tradeParser::parse);
        assertThat(BadInputCorpus.countByKind(bad))
                .containsOnlyKeys(
                        "truncated-json",
                        "invalid-json",
                        "control-characters",
                        "nesting-bomb",
                        "number-bomb",
                        "not-an-object",
                        "empty",
                        "wrong-type",
                        "missing-key",
                        "non-finite",
                        "non-positive",
                        "absurd-number",
                        "before-2009",
                        "far-future",
                        "sql-metacharacters",
                        "huge-string");
    }

    @Test
    void badSnapshotsAreRejectedWithTheirReasons() {
        List<BadInputCorpus.Bad> bad = BadInputCorpus.snapshots(1500, 2);
        assertRejected(bad, MARKET.snapshotParser::parse);
        assertThat(BadInputCorpus.countByKind(bad)).hasSize(14);
    }

    @Test
    void badTreasuryEventsAreRejectedWithTheirReasons() {
        List<BadInputCorpus.Bad> bad = BadInputCorpus.treasuryEvents(2500, 3, "costs");
        assertRejected(bad, TREASURY.eventParser);
        assertThat(BadInputCorpus.countByKind(bad))
                .containsKeys("sql-metacharacters", "unknown-type", "huge-string", "missing-key")
                .hasSize(17);
    }

    @Test
    void theCorpusIsDeterministicPerSeed() {
        assertThat(BadInputCorpus.trades(500, 7)).isEqualTo(BadInputCorpus.trades(500, 7));
        assertThat(BadInputCorpus.trades(500, 7)).isNotEqualTo(BadInputCorpus.trades(500, 8));
    }

    private static <T> void assertRejected(List<BadInputCorpus.Bad> bad, RecordParser<T> parser) {
        long now = System.currentTimeMillis();
        for (BadInputCorpus.Bad b : bad) {
            String shown = b.payload().length() > 200 ? b.payload().substring(0, 200) : b.payload();
            assertThatThrownBy(() -> parser.parse(b.payload(), now))
                    .as("%s: %s", b.kind(), shown)
                    .isInstanceOf(InvalidRecordException.class)
                    .message()
                    .startsWith(b.reason());
        }
        Map<String, Long> counts = BadInputCorpus.countByKind(bad);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(10L));
    }
}
