package com.athena.jobs.reliability;

import com.athena.common.config.CommonOptions;
import com.athena.common.json.InvalidRecordException;
import com.athena.jobs.activity.ActivitySettings;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every generated bad activity event is rejected by the activity job's production parser with the
 * reason the corpus names for it; every kind is present.
 */
class ActivityBadInputCorpusTest {
    private static final Configuration CONFIG = CommonOptions.fromArgs(new String[0]);
    private static final ActivitySettings ACTIVITY = new ActivitySettings(CONFIG);

    @Test
    void badActivityEventsAreRejectedWithTheirReasons() {
        List<BadInputCorpus.Bad> bad = BadInputCorpus.activityEvents(2500, 4, "activity");
        long now = System.currentTimeMillis();
        for (BadInputCorpus.Bad b : bad) {
            String shown = b.payload().length() > 200 ? b.payload().substring(0, 200) : b.payload();
            assertThatThrownBy(() -> ACTIVITY.eventParser.parse(b.payload(), now))
                    .as("%s: %s", b.kind(), shown)
                    .isInstanceOf(InvalidRecordException.class)
                    .message()
                    .startsWith(b.reason());
        }
        Map<String, Long> counts = BadInputCorpus.countByKind(bad);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(10L));
        assertThat(counts)
                .containsKeys(
                        "sql-metacharacters",
                        "unknown-type",
                        "huge-string",
                        "missing-key",
                        "out-of-range")
                .hasSize(16);
    }
}
