package com.athena.jobs;

import com.athena.common.config.CommonOptions;
import com.athena.jobs.market.MarketSettings;
import com.athena.jobs.treasury.TreasurySettings;

import org.apache.flink.configuration.ConfigOption;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every typed option of every job is documented in the README's configuration table. */
class ConfigurationDocsTest {

    static final List<Class<?>> OPTION_CLASSES =
            List.of(CommonOptions.class, MarketSettings.class, TreasurySettings.class);

    @Test
    void everyOptionIsInTheReadmeTable() throws Exception {
        Path readme = Paths.get("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        List<String> keys = new ArrayList<>();
        for (Class<?> type : OPTION_CLASSES) {
            for (Field field : type.getFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && ConfigOption.class.isAssignableFrom(field.getType())) {
                    keys.add(((ConfigOption<?>) field.get(null)).key());
                }
            }
        }
        assertThat(keys).hasSizeGreaterThan(10);
        for (String key : keys) {
            assertThat(text).as("README row for %s", key).contains("| `" + key + "` |");
        }
    }
}
