package com.athena.jobs.market;

import com.athena.common.bigquery.BigQueryEndpoint;
import com.athena.common.bigquery.BigQuerySink;

import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BigQuerySinkTest {

    @Test
    void theSinkTravelsToTaskManagersAsJavaSerialization() throws Exception {
        BigQueryEndpoint endpoint =
                new BigQueryEndpoint("athena-local", "athena_agent", "http://127.0.0.1:9050")
                        .withClientMaxAttempts(1);
        BigQuerySink<?> sink =
                BigQuerySink.builder(endpoint, new MarketSnapshotRows())
                        .maxBatchRows(50)
                        .maxAttempts(3)
                        .build();
        BigQuerySink<?> copy = InstantiationUtil.clone(sink);
        assertThat(copy.endpoint()).isEqualTo(endpoint);
        assertThat(copy.maxBatchRows()).isEqualTo(50);
        assertThat(copy.maxAttempts()).isEqualTo(3);
        assertThat(InstantiationUtil.clone(new MarketBarRows())).isNotNull();
    }

    @Test
    void defaultsFollowBigQueryGuidance() {
        BigQuerySink<?> sink =
                BigQuerySink.builder(new BigQueryEndpoint("p", "d", null), new MarketSnapshotRows())
                        .build();
        assertThat(sink.maxBatchRows()).isEqualTo(500);
        assertThat(sink.maxAttempts()).isEqualTo(5);
    }

    @Test
    void rejectsNonsenseSettings() {
        BigQuerySink.Builder<?> b =
                BigQuerySink.builder(new BigQueryEndpoint("p", "d", null), new MarketBarRows());
        assertThatThrownBy(() -> b.maxBatchRows(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxBatchRows(50_001))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endpointWithoutHostIsGcpAndWithHostIsLocal() {
        BigQueryEndpoint gcp = new BigQueryEndpoint("proj", "ds", " ");
        assertThat(gcp.apiHost()).isEmpty();
        assertThat(gcp.table("market_data").getProject()).isEqualTo("proj");
        assertThat(gcp.table("market_data").getDataset()).isEqualTo("ds");

        BigQueryEndpoint local = new BigQueryEndpoint("proj", "ds", "http://127.0.0.1:9050");
        assertThat(local.apiHost()).contains("http://127.0.0.1:9050");
        assertThat(local.open().getOptions().getHost()).isEqualTo("http://127.0.0.1:9050");
        assertThat(local.open().getOptions().getProjectId()).isEqualTo("proj");
        assertThat(local.withClientMaxAttempts(1).open().getOptions().getRetrySettings())
                .satisfies(r -> assertThat(r.getMaxAttempts()).isEqualTo(1));
        assertThatThrownBy(() -> new BigQueryEndpoint("", "ds", null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
