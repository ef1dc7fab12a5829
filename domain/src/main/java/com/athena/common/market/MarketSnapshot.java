package com.athena.common.market;

import java.util.Objects;

/**
 * A market-wide snapshot from Pub/Sub {@code market-snapshots} (every 15 minutes), with the fields
 * of the BigQuery {@code market_data} table; {@code null} where the feed left a field out.
 */
public class MarketSnapshot {
    /** Event time, epoch millis. */
    public long timestamp;

    public Double btcPrice;
    public Double ethPrice;
    public Double btc24hChange;
    public Double eth24hChange;
    public Double btcMarketCap;
    public Double ethMarketCap;
    public Double totalMarketCap;
    public Double defiTvl;
    public Integer fearGreedIndex;
    public Double gasPriceGwei;
    public Long activeAddressesBtc;
    public Long activeAddressesEth;
    public String dataSource;

    public MarketSnapshot() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MarketSnapshot)) {
            return false;
        }
        MarketSnapshot s = (MarketSnapshot) o;
        return timestamp == s.timestamp
                && Objects.equals(btcPrice, s.btcPrice)
                && Objects.equals(ethPrice, s.ethPrice)
                && Objects.equals(btc24hChange, s.btc24hChange)
                && Objects.equals(eth24hChange, s.eth24hChange)
                && Objects.equals(btcMarketCap, s.btcMarketCap)
                && Objects.equals(ethMarketCap, s.ethMarketCap)
                && Objects.equals(totalMarketCap, s.totalMarketCap)
                && Objects.equals(defiTvl, s.defiTvl)
                && Objects.equals(fearGreedIndex, s.fearGreedIndex)
                && Objects.equals(gasPriceGwei, s.gasPriceGwei)
                && Objects.equals(activeAddressesBtc, s.activeAddressesBtc)
                && Objects.equals(activeAddressesEth, s.activeAddressesEth)
                && Objects.equals(dataSource, s.dataSource);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, btcPrice, ethPrice, fearGreedIndex, dataSource);
    }

    @Override
    public String toString() {
        return "MarketSnapshot{" + timestamp + ", btc=" + btcPrice + ", fg=" + fearGreedIndex + "}";
    }
}
