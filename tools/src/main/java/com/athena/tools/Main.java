package com.athena.tools;

import com.athena.jobs.Main.Command;
import com.athena.tools.demo.DemoMain;
import com.athena.tools.ingest.TradeIngestMain;
import com.athena.tools.produce.ProduceTradesMain;
import com.athena.tools.replay.ReplayMain;
import com.athena.tools.setup.SetupMain;
import com.athena.tools.sql.SqlScriptsMain;
import com.athena.tools.state.StateReaderMain;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tools' entry point, used by the bin/ scripts: the first argument names the tool. */
public final class Main {

    static final Map<String, Command> TOOLS = new LinkedHashMap<>();

    static {
        TOOLS.put("setup", SetupMain::main);
        TOOLS.put("produce-trades", ProduceTradesMain::main);
        TOOLS.put("replay", ReplayMain::main);
        TOOLS.put("demo", DemoMain::main);
        TOOLS.put("trade-ingest", TradeIngestMain::main);
        TOOLS.put("sql-scripts", SqlScriptsMain::main);
        TOOLS.put("state", StateReaderMain::main);
    }

    private Main() {}

    public static void main(String[] args) throws Exception {
        com.athena.jobs.Main.dispatch(TOOLS, args);
    }
}
