package com.athena.jobs.market;

import com.athena.common.market.MarketSnapshot;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class MarketSnapshotRowsTest {

    /** The columns of seed 001's {@code CREATE TABLE athena_agent.market_data}, in order. */
    static final List<String> SEED_COLUMNS =
            List.of(
                    "timestamp",
                    "btc_price",
                    "eth_price",
                    "btc_24h_change",
                    "eth_24h_change",
                    "btc_market_cap",
                    "eth_market_cap",
                    "total_market_cap",
                    "defi_tvl",
                    "fear_greed_index",
                    "gas_price_gwei",
                    "active_addresses_btc",
                    "active_addresses_eth",
                    "data_source",
                    "collection_metadata");

    private final MarketSnapshotRows rows = new MarketSnapshotRows();

    /** The first sample row of seed 001. */
    static MarketSnapshot seedSample() {
        MarketSnapshot s = new MarketSnapshot();
        s.timestamp = Instant.parse("2024-01-15T10:00:00Z").toEpochMilli();
        s.btcPrice = 42500.50;
        s.ethPrice = 2450.75;
        s.btc24hChange = -2.5;
        s.eth24hChange = -3.2;
        s.btcMarketCap = 830000000000.0;
        s.ethMarketCap = 295000000000.0;
        s.totalMarketCap = 1650000000000.0;
        s.defiTvl = 52000000000.0;
        s.fearGreedIndex = 45;
        s.gasPriceGwei = 35.5;
        s.activeAddressesBtc = 425000L;
        s.activeAddressesEth = 1250000L;
        s.dataSource = "coingecko";
        return s;
    }

    @Test
    void columnsAreExactlyTheSeeds() {
        assertThat(MarketSnapshotRows.COLUMNS).containsExactlyElementsOf(SEED_COLUMNS);
        assertThat(new ArrayList<>(rows.row(seedSample()).keySet()))
                .containsExactlyElementsOf(SEED_COLUMNS);
        assertThat(new ArrayList<>(rows.row(new MarketSnapshot()).keySet()))
                .containsExactlyElementsOf(SEED_COLUMNS);
        assertThat(rows.table(seedSample())).isEqualTo("market_data");
    }

    @Test
    void aFullSnapshotMapsEveryValue() {
        Map<String, Object> row = rows.row(seedSample());
        assertThat(row)
                .containsExactly(
                        entry("timestamp", "2024-01-15T10:00:00.000000Z"),
                        entry("btc_price", 42500.50),
                        entry("eth_price", 2450.75),
                        entry("btc_24h_change", -2.5),
                        entry("eth_24h_change", -3.2),
                        entry("btc_market_cap", 830000000000.0),
                        entry("eth_market_cap", 295000000000.0),
                        entry("total_market_cap", 1650000000000.0),
                        entry("defi_tvl", 52000000000.0),
                        entry("fear_greed_index", 45L),
                        entry("gas_price_gwei", 35.5),
                        entry("active_addresses_btc", 425000L),
                        entry("active_addresses_eth", 1250000L),
                        entry("data_source", "coingecko"),
                        entry(
                                "collection_metadata",
                                "{\"pipeline\":\"athena-flink/market\",\"missing_fields\":[]}"));
    }

    @Test
    void absentAndNaNFieldsAreNullAndListedInTheMetadata() {
        MarketSnapshot s = seedSample();
        s.defiTvl = null;
        s.gasPriceGwei = Double.NaN;
        s.activeAddressesEth = null;
        s.dataSource = null;
        Map<String, Object> row = rows.row(s);
        assertThat(row).containsKeys("defi_tvl", "gas_price_gwei", "active_addresses_eth");
        assertThat(row.get("defi_tvl")).isNull();
        assertThat(row.get("gas_price_gwei")).isNull();
        assertThat(row.get("active_addresses_eth")).isNull();
        assertThat(row.get("data_source")).isNull();
        assertThat(row.get("btc_price")).isEqualTo(42500.50);
        assertThat(row.get("collection_metadata"))
                .isEqualTo(
                        "{\"pipeline\":\"athena-flink/market\",\"missing_fields\":"
                                + "[\"defi_tvl\",\"gas_price_gwei\",\"active_addresses_eth\"]}");
    }

    @Test
    void insertIdIsSourceAndEventTime() {
        MarketSnapshot s = seedSample();
        assertThat(rows.insertId(s)).isEqualTo("market_data:coingecko:1705312800000");
        MarketSnapshot replay = seedSample();
        replay.btcPrice = 1.0; // a redelivery is the same snapshot whatever its payload
        assertThat(rows.insertId(replay)).isEqualTo(rows.insertId(s));
        s.dataSource = null;
        assertThat(rows.insertId(s)).isEqualTo("market_data::1705312800000");
    }
}
