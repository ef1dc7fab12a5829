package com.athena.jobs.market;

import com.athena.common.bigquery.BigQueryRowMapper;
import com.athena.common.bigquery.BigQueryValues;
import com.athena.common.market.MarketSnapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a {@link MarketSnapshot} to a row of the BigQuery table {@code market_data}, with exactly
 * the columns of the seed's DDL (seed 001).
 */
public final class MarketSnapshotRows implements BigQueryRowMapper<MarketSnapshot> {
    private static final long serialVersionUID = 1L;

    public static final String TABLE = "market_data";

    /** Names the writer in {@code collection_metadata}, where seed rows name the collector. */
    public static final String PIPELINE = "athena-flink/market";

    /** The columns of the seed's {@code market_data}, in DDL order. */
    public static final List<String> COLUMNS =
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

    @Override
    public String table(MarketSnapshot s) {
        return TABLE;
    }

    /**
     * {@code market_data:<data_source>:<timestamp millis>}: one snapshot per source and instant,
     * whatever Pub/Sub redelivers. An absent source leaves its segment empty.
     */
    @Override
    public String insertId(MarketSnapshot s) {
        return TABLE + ':' + (s.dataSource == null ? "" : s.dataSource) + ':' + s.timestamp;
    }

    @Override
    public Map<String, Object> row(MarketSnapshot s) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("timestamp", BigQueryValues.timestamp(s.timestamp));
        row.put("btc_price", BigQueryValues.float64(s.btcPrice));
        row.put("eth_price", BigQueryValues.float64(s.ethPrice));
        row.put("btc_24h_change", BigQueryValues.float64(s.btc24hChange));
        row.put("eth_24h_change", BigQueryValues.float64(s.eth24hChange));
        row.put("btc_market_cap", BigQueryValues.float64(s.btcMarketCap));
        row.put("eth_market_cap", BigQueryValues.float64(s.ethMarketCap));
        row.put("total_market_cap", BigQueryValues.float64(s.totalMarketCap));
        row.put("defi_tvl", BigQueryValues.float64(s.defiTvl));
        row.put("fear_greed_index", BigQueryValues.int64(s.fearGreedIndex));
        row.put("gas_price_gwei", BigQueryValues.float64(s.gasPriceGwei));
        row.put("active_addresses_btc", BigQueryValues.int64(s.activeAddressesBtc));
        row.put("active_addresses_eth", BigQueryValues.int64(s.activeAddressesEth));
        row.put("data_source", s.dataSource);
        row.put("collection_metadata", BigQueryValues.json(metadata(row)));
        return row;
    }

    /**
     * What the stream knows about the collection: which writer, and which measures the feed left
     * out (NULL columns are otherwise indistinguishable from a failed join downstream). Derived
     * from the row only, so a replay writes the same document.
     */
    private static Map<String, Object> metadata(Map<String, Object> row) {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (e.getValue() == null && !e.getKey().equals("data_source")) {
                missing.add(e.getKey());
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("pipeline", PIPELINE);
        metadata.put("missing_fields", Collections.unmodifiableList(missing));
        return metadata;
    }
}
