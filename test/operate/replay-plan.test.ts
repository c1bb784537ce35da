/**
 * A dead-lettered message replays as the input its rule selected. Message format: AWS IoT Core Developer
 * Guide, "Error handling (error action)", Error action message format (the twin's `errorActionMessage`
 * writes it, pinned in test/local/runtime/rule-dead-letters.test.ts).
 */
import { describe, expect, it } from "vitest";
import { compileRule } from "../../local/rules/index.ts";
import { errorActionMessage } from "../../local/runtime/rule-dead-letters.ts";
import { planReplay } from "../../operate/replay/replay-plan.ts";
import { topicRules } from "../../workflows/catalogue.ts";
import { ruleEventOf } from "../../workflows/dead-letter-queue.ts";

const STACK = "prod";
const SENT = Date.UTC(2026, 10, 30, 4, 0, 0);

function deadLetter(rule: string, topic: string, payload: Uint8Array, clientId: string | undefined) {
  const workflow = topicRules(STACK).find((candidate) => candidate.name === rule)!.workflow;
  const failure = { rule, workflow, stage: "action" as const, topic, payload, clientId, error: new Error("down") };
  return errorActionMessage(failure, `${STACK}-${workflow}`);
}

describe("ruleEventOf", () => {
  it.each([
    [
      "tts_prod_uplink",
      "thethings/lorawan/prod/uplink",
      Buffer.from('{"end_device_ids":{"device_id":"d1"}}'),
      "thethings-prod",
    ],
    ["app_prod_downlink", "lorawan/downlink", Buffer.from([0xff, 0x00, 0x7b]), "application"],
    ["tts_prod_uplink", "thethings/lorawan/prod/uplink", Buffer.from("x"), undefined],
  ])("%s: rebuilds exactly what the rule's SQL selects from the message", (rule, topic, payload, clientId) => {
    const sql = topicRules(STACK).find((candidate) => candidate.name === rule)!.sql;
    const selected = compileRule(sql, { now: () => SENT }).evaluate({
      topic,
      payload,
      ...(clientId === undefined ? {} : { clientId }),
    });
    expect(ruleEventOf(deadLetter(rule, topic, payload, clientId), SENT)).toEqual(selected);
  });
});

describe("planReplay", () => {
  const uplink = deadLetter("tts_prod_uplink", "thethings/lorawan/prod/uplink", Buffer.from("{}"), "thethings-prod");

  it("starts the rule's workflow under a name that says which message it replays", () => {
    const plan = planReplay(
      { messageId: "2f1d-77", body: JSON.stringify(uplink), sentTimestamp: SENT },
      "upstream",
      STACK,
    );
    expect(plan).toEqual({
      kind: "start",
      rule: "tts_prod_uplink",
      topic: "thethings/lorawan/prod/uplink",
      executionName: "uplink-replay-2f1d-77",
      input: { payload: "e30=", topic: "thethings/lorawan/prod/uplink", clientId: "thethings-prod", timestamp: SENT },
      failure: expect.stringContaining("Failed to start execution of state machine prod-upstream"),
    });
  });

  it("keeps execution names within Step Functions' 80 characters and allowed characters", () => {
    const plan = planReplay(
      { messageId: `a:b/${"x".repeat(100)}`, body: JSON.stringify(uplink), sentTimestamp: SENT },
      "upstream",
      STACK,
    );
    expect(plan.kind === "start" && plan.executionName).toMatch(/^uplink-replay-a-b-x+$/);
    expect(plan.kind === "start" && plan.executionName.length).toBe(80);
  });

  it.each([
    ["not JSON", "{oops", "upstream", "not JSON: not an IoT rule error action message"],
    ["another shape", '{"hello":"world"}', "upstream", "not an IoT rule error action message (bad ruleName, topic"],
    [
      "another stack's rule",
      JSON.stringify({ ...uplink, ruleName: "tts_other_uplink" }),
      "upstream",
      "rule tts_other_uplink is not one of stack prod's",
    ],
    [
      "the other workflow's queue",
      JSON.stringify(uplink),
      "downlink",
      "rule tts_prod_uplink starts the upstream workflow, not downlink",
    ],
    [
      "a payload that is not base64",
      JSON.stringify({ ...uplink, base64OriginalPayload: "not base64!" }),
      "upstream",
      "(bad base64OriginalPayload)",
    ],
  ] as const)("skips %s, saying why", (_case, body, workflow, reason) => {
    const plan = planReplay({ messageId: "m1", body, sentTimestamp: SENT }, workflow, STACK);
    expect(plan).toEqual({ kind: "skip", reason: expect.stringContaining(reason) });
  });
});
