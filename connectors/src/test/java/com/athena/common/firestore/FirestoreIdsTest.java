package com.athena.common.firestore;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FirestoreIdsTest {

    @Test
    void replacesSlashesWithUnderscores() {
        assertThat(FirestoreIds.sanitize("BTC/USD")).isEqualTo("BTC_USD");
        assertThat(FirestoreIds.sanitize("a/b/c")).isEqualTo("a_b_c");
        assertThat(FirestoreIds.sanitize("BTCUSDT")).isEqualTo("BTCUSDT");
    }

    @Test
    void rejectsWhatFirestoreRejects() {
        for (String bad : new String[] {"", ".", "..", "__x__", "____"}) {
            assertThatThrownBy(() -> FirestoreIds.sanitize(bad))
                    .as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> FirestoreIds.sanitize(null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FirestoreIds.validate("a/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'/'");
    }

    @Test
    void limitsIdsTo1500BytesOfUtf8() {
        assertThat(FirestoreIds.validate("x".repeat(1500))).hasSize(1500);
        assertThatThrownBy(() -> FirestoreIds.validate("x".repeat(1501)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1501");
        // 750 two-byte characters are 1500 bytes; one more is too many.
        assertThat(FirestoreIds.validate("é".repeat(750))).hasSize(750);
        assertThatThrownBy(() -> FirestoreIds.validate("é".repeat(751)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsDotsAndUnderscoresInsideAnId() {
        assertThat(FirestoreIds.validate("...")).isEqualTo("...");
        assertThat(FirestoreIds.validate("__x")).isEqualTo("__x");
        assertThat(FirestoreIds.validate("BTC.USD")).isEqualTo("BTC.USD");
    }
}
