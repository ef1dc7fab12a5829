package com.athena.jobs.sql;

import com.athena.common.bigquery.BigQueryDdl;
import com.athena.jobs.market.MarketBarRows;
import com.athena.jobs.market.MarketSnapshotRows;
import com.athena.jobs.sql.BigQuerySchema.Relation;
import com.athena.jobs.treasury.TreasuryRows;

import com.google.zetasql.SqlException;
import com.google.zetasql.ZetaSQLType.TypeKind;
import com.google.zetasql.resolvedast.ResolvedCreateStatementEnums.CreateMode;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedColumnDefinition;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedColumnRef;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateTableStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateViewStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedExpr;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedFunctionCall;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedStatement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every statement of {@code sql/bigquery} is analyzed by ZetaSQL, Google's analyzer of BigQuery's
 * dialect: the tables partition by day and cluster as the seeds say, the tables the jobs write have
 * exactly the sinks' columns, and each view resolves against the tables and views of {@code
 * sql/bigquery} only. Nothing here runs against real BigQuery.
 */
class BigQuerySqlTest {

    /** The tables behind each view (seed 001 names the views; their reads are ours). */
    private static final Map<String, Set<String>> VIEW_SOURCES =
            Map.of(
                    "daily_performance",
                    Set.of(
                            "treasury_snapshots",
                            "cost_tracking",
                            "agent_decisions",
                            "memory_formations",
                            "performance_metrics"),
                    "market_condition_summary",
                    Set.of("market_data", "market_indicators"),
                    "cost_efficiency",
                    Set.of(
                            "cost_tracking",
                            "agent_decisions",
                            "memory_formations",
                            "treasury_snapshots"),
                    "memory_patterns",
                    Set.of("memory_formations"),
                    "emotional_correlation",
                    Set.of("treasury_snapshots", "market_data", "agent_decisions"),
                    "weekly_performance",
                    Set.of("daily_performance"));

    /**
     * The leading clustering column the seeds give (seed 002: "emotional_state, category,
     * cost_type").
     */
    private static final Map<String, String> SEED_CLUSTERING =
            Map.of(
                    "market_data", "data_source",
                    "treasury_snapshots", "emotional_state",
                    "memory_formations", "category",
                    "cost_tracking", "cost_type");

    private static BigQuerySchema schema;

    @BeforeAll
    static void analyzeEveryFile() throws Exception {
        // Fails here, naming the file, if a statement does not parse or does not resolve.
        schema = BigQuerySchema.load(BigQuerySchema.locate());
    }

    @Test
    void theSeedsTablesAndViewsAreAllThere() {
        Set<String> tables = new TreeSet<>();
        Set<String> views = new TreeSet<>();
        for (Relation relation : schema.relations().values()) {
            (relation.isView() ? views : tables).add(relation.name());
        }
        assertThat(tables)
                .containsExactlyInAnyOrder(
                        "market_data",
                        "market_indicators",
                        "treasury_snapshots",
                        "cost_tracking",
                        "agent_decisions",
                        "memory_formations",
                        "performance_metrics");
        assertThat(views).isEqualTo(new TreeSet<>(VIEW_SOURCES.keySet()));
    }

    @Test
    void tablesAreCreatedIfMissingPartitionedByDayAndClustered() {
        for (Relation relation : schema.relations().values()) {
            if (relation.isView()) {
                continue;
            }
            ResolvedCreateTableStmt table = (ResolvedCreateTableStmt) relation.statement();
            String what = relation.file().toString();
            assertThat(table.getCreateMode()).as(what).isEqualTo(CreateMode.CREATE_IF_NOT_EXISTS);

            ResolvedColumnDefinition timestamp =
                    table.getColumnDefinitionList().stream()
                            .filter(c -> c.getName().equals("timestamp"))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError(what + ": no timestamp column"));
            assertThat(timestamp.getType().getKind()).as(what).isEqualTo(TypeKind.TYPE_TIMESTAMP);
            assertThat(timestamp.getAnnotations()).as(what).isNotNull();
            assertThat(timestamp.getAnnotations().getNotNull()).as(what).isTrue();

            // PARTITION BY DATE(timestamp): one call of DATE on the timestamp column.
            assertThat(table.getPartitionByList()).as(what).hasSize(1);
            ResolvedExpr partition = table.getPartitionByList().get(0);
            assertThat(partition).as(what).isInstanceOf(ResolvedFunctionCall.class);
            ResolvedFunctionCall call = (ResolvedFunctionCall) partition;
            assertThat(call.getFunction().getName()).as(what).isEqualToIgnoringCase("date");
            assertThat(call.getArgumentList()).as(what).hasSize(1);
            assertThat(columnName(call.getArgumentList().get(0))).as(what).isEqualTo("timestamp");

            assertThat(table.getClusterByList()).as(what).isNotEmpty();
            String seedClustering = SEED_CLUSTERING.get(relation.name());
            if (seedClustering != null) {
                assertThat(columnName(table.getClusterByList().get(0)))
                        .as(what)
                        .isEqualTo(seedClustering);
            }
        }
    }

    @Test
    void tablesTheJobsWriteHaveExactlyTheSinksColumns() {
        assertThat(schema.relation("market_data").columnNames())
                .containsExactlyElementsOf(MarketSnapshotRows.COLUMNS);
        assertThat(schema.relation("market_indicators").columnNames())
                .containsExactlyElementsOf(MarketBarRows.COLUMNS);
        assertThat(schema.relation("treasury_snapshots").columnNames())
                .containsExactlyElementsOf(TreasuryRows.SNAPSHOT_COLUMNS);
        assertThat(schema.relation("cost_tracking").columnNames())
                .containsExactlyElementsOf(TreasuryRows.COST_COLUMNS);
    }

    /**
     * memory_formations is a CDC table: ZetaSQL resolves its unenforced primary key on memory_id
     * and the max_staleness option beside the partitioning and clustering checked above.
     */
    @Test
    void memoryFormationsHasAnUnenforcedPrimaryKeyAndMaxStaleness() {
        ResolvedCreateTableStmt table =
                (ResolvedCreateTableStmt) schema.relation("memory_formations").statement();
        assertThat(table.getPrimaryKey()).isNotNull();
        assertThat(table.getPrimaryKey().getUnenforced()).isTrue();
        assertThat(table.getPrimaryKey().getColumnOffsetList()).containsExactly(0L);
        assertThat(table.getColumnDefinitionList().get(0).getName()).isEqualTo("memory_id");
        assertThat(table.getOptionList())
                .extracting(o -> o.getName())
                .containsExactly("max_staleness");
    }

    @Test
    void memoryFormationsIsTheSeedsTablePlusAnAgent() {
        assertThat(schema.relation("memory_formations").columnNames())
                .containsExactly(
                        "memory_id",
                        "timestamp",
                        "category",
                        "importance",
                        "content",
                        "metadata",
                        "trigger_event",
                        "formation_cost",
                        "recall_count",
                        "last_recalled",
                        "agent_id");
    }

    @Test
    void viewsAreReplaceableAndReadOnlyTablesOfSqlBigquery() {
        for (Map.Entry<String, Set<String>> expected : VIEW_SOURCES.entrySet()) {
            Relation view = schema.relation(expected.getKey());
            String what = view.file().toString();
            assertThat(view.statement()).as(what).isInstanceOf(ResolvedCreateViewStmt.class);
            assertThat(((ResolvedCreateViewStmt) view.statement()).getCreateMode())
                    .as(what)
                    .isEqualTo(CreateMode.CREATE_OR_REPLACE);
            // Resolution already proved every table and column exists; this pins which ones.
            assertThat(new TreeSet<>(schema.referencedTables(view.sql())))
                    .as(what)
                    .isEqualTo(new TreeSet<>(expected.getValue()))
                    .allSatisfy(t -> assertThat(schema.relations()).containsKey(t));
            assertThat(view.columnNames()).as(what).isNotEmpty().doesNotHaveDuplicates();
        }
    }

    @Test
    void viewsReportPerAgentAndPeriod() {
        assertThat(schema.relation("daily_performance").columnNames())
                .startsWith("date", "agent_id");
        assertThat(schema.relation("cost_efficiency").columnNames()).startsWith("date", "agent_id");
        assertThat(schema.relation("weekly_performance").columnNames())
                .startsWith("week_start", "agent_id");
        assertThat(schema.relation("emotional_correlation").columnNames())
                .startsWith("agent_id", "emotional_state")
                // seed 001's query: average balance and risk tolerance per emotional state
                .contains("avg_balance", "avg_risk_tolerance");
        assertThat(schema.relation("memory_patterns").columnNames())
                // seed 002's "memory usage patterns" query
                .contains(
                        "category",
                        "memory_count",
                        "avg_importance",
                        "total_recalls",
                        "most_recalled");
        assertThat(schema.relation("market_condition_summary").columnNames())
                .startsWith("date")
                .contains("sentiment_level");
    }

    @Test
    void aViewOverAMissingColumnOrTableIsRejected() {
        // The cross-check itself: the same view with one column or table misspelt must fail.
        String memoryPatterns = schema.relation("memory_patterns").sql();
        String badColumn = memoryPatterns.replace("AVG(importance)", "AVG(importanc)");
        assertThat(badColumn).isNotEqualTo(memoryPatterns);
        assertThatThrownBy(() -> schema.analyze(badColumn))
                .isInstanceOf(SqlException.class)
                .hasMessageContaining("importanc");

        String badTable =
                memoryPatterns.replace("athena_agent.memory_formations", "athena_agent.memories");
        assertThat(badTable).isNotEqualTo(memoryPatterns);
        assertThatThrownBy(() -> schema.analyze(badTable))
                .isInstanceOf(SqlException.class)
                .hasMessageContaining("memories");

        // BigQuery's dialect, not PostgreSQL's: a cast with :: does not parse.
        String postgresCast = memoryPatterns.replace("AVG(importance)", "AVG(importance::FLOAT64)");
        assertThatThrownBy(() -> schema.analyze(postgresCast)).isInstanceOf(SqlException.class);
    }

    @Test
    void theViewQueriesSetupSendsResolveToTheFilesViews() {
        // setup sends tables.insert with only the query after AS (BigQueryDdl#viewQuery): the same
        // text, put back into its CREATE statement, must resolve to the same columns.
        for (Relation view : schema.relations().values()) {
            if (!view.isView()) {
                continue;
            }
            String query = BigQueryDdl.parse(view.sql()).viewQuery();
            ResolvedStatement resolved =
                    schema.analyze(
                            "CREATE OR REPLACE VIEW "
                                    + BigQuerySchema.DATASET
                                    + "."
                                    + view.name()
                                    + "_as_sent AS "
                                    + query);
            assertThat(
                            ((ResolvedCreateViewStmt) resolved)
                                    .getOutputColumnList().stream().map(c -> c.getName()).toList())
                    .as(view.name())
                    .isEqualTo(view.columnNames());
        }
    }

    @Test
    void theCheckSeesEveryView() {
        List<String> viewFiles =
                schema.relations().values().stream()
                        .filter(Relation::isView)
                        .map(r -> r.file().getParent().getFileName() + "/" + r.file().getFileName())
                        .sorted()
                        .toList();
        assertThat(viewFiles)
                .containsExactly(
                        "views/cost_efficiency.sql",
                        "views/daily_performance.sql",
                        "views/emotional_correlation.sql",
                        "views/market_condition_summary.sql",
                        "views/memory_patterns.sql",
                        "views/weekly_performance.sql");
    }

    private static String columnName(ResolvedExpr expr) {
        assertThat(expr).isInstanceOf(ResolvedColumnRef.class);
        return ((ResolvedColumnRef) expr).getColumn().getName();
    }
}
