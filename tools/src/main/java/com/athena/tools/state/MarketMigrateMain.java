package com.athena.tools.state;

import com.athena.jobs.market.MarketMigration;

/**
 * {@code bin/state migrate market --from SAVEPOINT --to DIR}: converts a savepoint of the market
 * job's former graph (de-duplication and five window operators) into one that the current graph
 * (one keyed step per trade) restores, with {@link MarketMigration}.
 */
public final class MarketMigrateMain {
    static final String USAGE = "usage: bin/state migrate market --from SAVEPOINT --to DIR";

    private MarketMigrateMain() {}

    /** {@code args}: what follows {@code migrate}. */
    public static void main(String[] args) throws Exception {
        String from = null;
        String to = null;
        if (args.length != 5 || !args[0].equals("market")) {
            fail();
        }
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--from" -> from = args[i + 1];
                case "--to" -> to = args[i + 1];
                default -> fail();
            }
        }
        if (from == null || to == null) {
            fail();
        }
        MarketMigration.Result result;
        try {
            result = MarketMigration.migrate(from, to);
        } catch (IllegalArgumentException e) {
            System.err.println("bin/state migrate: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(
                "migrated "
                        + from
                        + " to "
                        + to
                        + ": "
                        + result.symbols()
                        + " symbols, "
                        + result.openBars()
                        + " open bars, "
                        + result.ids()
                        + " de-duplication ids; removed "
                        + String.join(", ", result.removedUids())
                        + "; every other operator's state kept. Keep "
                        + from
                        + " until the job has taken a savepoint or checkpoint of its own: the"
                        + " migrated savepoint refers to its files.");
    }

    private static void fail() {
        System.err.println(USAGE);
        System.exit(2);
    }
}
