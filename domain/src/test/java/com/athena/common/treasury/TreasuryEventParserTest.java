package com.athena.common.treasury;

import com.athena.common.json.InvalidRecordException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TreasuryEventParserTest {
    private static final long NOW = Instant.parse("2024-06-01T00:00:00Z").toEpochMilli();
    private static final long TS = Instant.parse("2024-01-15T10:30:00Z").toEpochMilli();

    private final TreasuryEventParser parser =
            new TreasuryEventParser(
                    new CostPricing(
                            CostPricing.DEFAULT.defaultTokens(),
                            CostPricing.parseModels("cheap-model=0.001/0.002"),
                            0.0001),
                    86_400_000L);

    private TreasuryEvent parse(String members) throws InvalidRecordException {
        return parser.parse(
                "{\"event_id\":\"e1\",\"agent_id\":\"athena_agent_001\","
                        + "\"timestamp\":\"2024-01-15T10:30:00Z\""
                        + (members.isEmpty() ? "" : "," + members)
                        + "}",
                NOW);
    }

    @Test
    void aCostWithAnAmountCostsThatAmount() throws Exception {
        TreasuryEvent e = parse("\"amount\":0.0045,\"cost_type\":\"llm_cost\"");
        assertThat(e.type).isEqualTo(TreasuryEventType.COST);
        assertThat(e.eventId).isEqualTo("e1");
        assertThat(e.agentId).isEqualTo("athena_agent_001");
        assertThat(e.timestamp).isEqualTo(TS);
        assertThat(e.amount).isEqualTo(0.0045);
        assertThat(e.costType).isEqualTo("llm_cost");
    }

    @Test
    void anAmountWinsOverTheOperationsPrice() throws Exception {
        TreasuryEvent e =
                parse(
                        "\"amount\":1.5,\"operation\":\"llm_call\",\"input_tokens\":1000,"
                                + "\"output_tokens\":1000");
        assertThat(e.amount).isEqualTo(1.5);
        assertThat(e.costType).isEqualTo("llm_cost");
        assertThat(e.inputTokens).isEqualTo(1000L);
    }

    @Test
    void anLlmCallIsPricedBySeedFormula() throws Exception {
        TreasuryEvent e =
                parse(
                        "\"operation\":\"llm_call\",\"input_tokens\":1500,"
                                + "\"output_tokens\":200");
        assertThat(e.amount).isEqualTo(1500 / 1000.0 * 0.003 + 200 / 1000.0 * 0.015);
        assertThat(e.amount).isCloseTo(0.0075, within(1e-15));
        assertThat(e.costType).isEqualTo("llm_cost");
        assertThat(e.operation).isEqualTo("llm_call");
    }

    @Test
    void anLlmCallOfAListedModelUsesItsPrices() throws Exception {
        TreasuryEvent listed =
                parse(
                        "\"operation\":\"llm_call\",\"model\":\"cheap-model\","
                                + "\"input_tokens\":2000,\"output_tokens\":1000");
        assertThat(listed.amount).isCloseTo(0.004, within(1e-15));
        TreasuryEvent unlisted =
                parse(
                        "\"operation\":\"llm_call\",\"model\":\"other\","
                                + "\"input_tokens\":2000,\"output_tokens\":1000");
        assertThat(unlisted.amount).isCloseTo(0.021, within(1e-15));
        assertThat(unlisted.model).isEqualTo("other");
    }

    @Test
    void anApiCallCostsTheFixedPrice() throws Exception {
        TreasuryEvent e = parse("\"operation\":\"api_call\"");
        assertThat(e.amount).isEqualTo(0.0001);
        assertThat(e.costType).isEqualTo("api_cost");
    }

    @Test
    void balanceDepositAndWithdrawal() throws Exception {
        TreasuryEvent b =
                parse("\"type\":\"balance\",\"balance_usd\":30.0,\"daily_burn_rate\":3.5");
        assertThat(b.type).isEqualTo(TreasuryEventType.BALANCE);
        assertThat(b.balanceUsd).isEqualTo(30.0);
        assertThat(b.burnEstimate).isEqualTo(3.5);
        TreasuryEvent noEstimate = parse("\"type\":\"balance\",\"balance_usd\":30");
        assertThat(noEstimate.burnEstimate).isNaN();
        TreasuryEvent d = parse("\"type\":\"deposit\",\"amount\":10");
        assertThat(d.type).isEqualTo(TreasuryEventType.DEPOSIT);
        assertThat(d.amount).isEqualTo(10.0);
        TreasuryEvent w = parse("\"type\":\"withdrawal\",\"amount\":2.5");
        assertThat(w.type).isEqualTo(TreasuryEventType.WITHDRAWAL);
        assertThat(w.amount).isEqualTo(2.5);
    }

    @Test
    void epochMillisAreAcceptedAsTime() throws Exception {
        TreasuryEvent e =
                parser.parse(
                        "{\"event_id\":\"e\",\"agent_id\":\"a\",\"timestamp\":"
                                + TS
                                + ",\"amount\":1}",
                        NOW);
        assertThat(e.timestamp).isEqualTo(TS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            negative input tokens | "operation":"llm_call","input_tokens":-5,"output_tokens":3 | input_tokens must not be negative
            negative output tokens | "operation":"llm_call","input_tokens":5,"output_tokens":-1 | output_tokens must not be negative
            fractional tokens | "operation":"llm_call","input_tokens":1.5,"output_tokens":1 | input_tokens must be a whole number
            missing tokens | "operation":"llm_call","input_tokens":5 | llm_call needs input_tokens and output_tokens
            unknown operation | "operation":"web_search" | unknown operation 'web_search'
            no amount nor operation | "cost_type":"llm_cost" | a cost needs an amount or an operation
            negative amount | "amount":-0.01 | amount must not be negative
            unknown type | "type":"refund","amount":1 | unknown type 'refund'
            balance without balance_usd | "type":"balance" | missing balance_usd
            balance as a string | "type":"balance","balance_usd":"30" | balance_usd is not a number
            negative burn estimate | "type":"balance","balance_usd":30,"daily_burn_rate":-1 | daily_burn_rate must not be negative
            zero deposit | "type":"deposit","amount":0 | amount must be positive
            withdrawal without amount | "type":"withdrawal" | missing amount
            """)
    void invalidEventsSayWhy(String name, String members, String reason) {
        assertThatThrownBy(() -> parse(members))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith(reason);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            missing agent_id | {"event_id":"e","timestamp":"2024-01-15T10:30:00Z","amount":1} | missing agent_id
            blank agent_id | {"event_id":"e","agent_id":" ","timestamp":"2024-01-15T10:30:00Z","amount":1} | agent_id is blank
            agent_id with a slash | {"event_id":"e","agent_id":"a/b","timestamp":"2024-01-15T10:30:00Z","amount":1} | agent_id must match
            missing event_id | {"agent_id":"a","timestamp":"2024-01-15T10:30:00Z","amount":1} | missing event_id
            bad time | {"event_id":"e","agent_id":"a","timestamp":"yesterday","amount":1} | timestamp is not ISO-8601 UTC or epoch millis
            time before 2009 | {"event_id":"e","agent_id":"a","timestamp":"2001-01-01T00:00:00Z","amount":1} | timestamp is before 2009-01-01
            time in the future | {"event_id":"e","agent_id":"a","timestamp":"2030-01-01T00:00:00Z","amount":1} | timestamp is too far in the future
            missing time | {"event_id":"e","agent_id":"a","amount":1} | missing timestamp
            not an object | [1,2] | not a JSON object
            """)
    void invalidEnvelopesSayWhy(String name, String payload, String reason) {
        assertThatThrownBy(() -> parser.parse(payload, NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith(reason);
    }

    @Test
    void modelTablesParseAndRejectNonsense() {
        assertThat(CostPricing.parseModels("a=0.1/0.2; b:c = 1/2 ;"))
                .isEqualTo(
                        Map.of(
                                "a", new CostPricing.TokenPrice(0.1, 0.2),
                                "b:c", new CostPricing.TokenPrice(1, 2)));
        assertThat(CostPricing.parseModels(" ")).isEmpty();
        assertThatThrownBy(() -> CostPricing.parseModels("a=0.1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CostPricing.parseModels("a=x/0.1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CostPricing.parseModels("a=-1/0.1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mixedInputsTellEventsFromSnapshots() throws Exception {
        TreasuryInputParser mixed =
                new TreasuryInputParser(
                        parser, new com.athena.common.market.MarketSnapshotParser(86_400_000L));
        TreasuryInput snapshot =
                mixed.parse(
                        "{\"timestamp\":\"2024-01-15T14:00:00Z\",\"btc_price\":38000,"
                                + "\"btc_24h_change\":-10,\"fear_greed_index\":15}",
                        NOW);
        assertThat(snapshot.snapshot.fearGreedIndex).isEqualTo(15);
        assertThat(snapshot.event).isNull();
        TreasuryInput typed =
                mixed.parse(
                        "{\"type\":\"market_snapshot\",\"timestamp\":\"2024-01-15T14:00:00Z\","
                                + "\"fear_greed_index\":50}",
                        NOW);
        assertThat(typed.snapshot).isNotNull();
        TreasuryInput event =
                mixed.parse(
                        "{\"event_id\":\"e\",\"agent_id\":\"a\","
                                + "\"timestamp\":\"2024-01-15T14:00:00Z\",\"amount\":1}",
                        NOW);
        assertThat(event.event.amount).isEqualTo(1.0);
        assertThatThrownBy(
                        () ->
                                mixed.parse(
                                        "{\"event_id\":\"e\",\"timestamp\":\"2024-01-15T14:00:00Z\","
                                                + "\"amount\":1}",
                                        NOW))
                .hasMessage("missing agent_id");
    }
}
