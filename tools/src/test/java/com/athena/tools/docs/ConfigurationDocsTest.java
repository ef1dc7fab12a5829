package com.athena.tools.docs;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md is exactly what {@link ConfigurationDocs} renders from the options: a
 * changed, added or removed option fails here until the page is regenerated.
 */
class ConfigurationDocsTest {

    /** Maven runs the tests from the module directory. */
    private static final Path PAGE =
            Paths.get("").toAbsolutePath().getParent().resolve(ConfigurationDocs.PAGE);

    @Test
    void theCommittedPageIsWhatTheOptionsRender() throws Exception {
        String expected = ConfigurationDocs.render();
        assertThat(Files.exists(PAGE))
                .as("%s is missing; generate it with `%s`", PAGE, ConfigurationDocs.REGENERATE)
                .isTrue();
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
                .as(
                        "%s is out of date with the options' descriptions; regenerate it with `%s`"
                                + " and commit it",
                        ConfigurationDocs.PAGE, ConfigurationDocs.REGENERATE)
                .isEqualTo(expected);
    }

    @Test
    void everyOptionIsInANamespaceOfTheNamingRuleAndDocumented() {
        // render() refuses keys outside the six namespaces and keys declared twice.
        assertThat(ConfigurationDocs.rows()).hasSizeGreaterThan(50);
        for (ConfigurationDocs.Row row : ConfigurationDocs.rows()) {
            assertThat(row.text()).as("description of %s", row.key()).isNotBlank();
            assertThat(row.key()).as("key").matches("[a-z0-9.-]+");
        }
        assertThat(ConfigurationDocs.render()).contains("| `market.kafka.trades-topic` |");
    }
}
