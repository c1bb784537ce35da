import { describe, expect, it } from "vitest";
import type { BrokerMessage } from "../../../local/broker/broker.ts";
import { createRulesEngine, type RuleFailure } from "../../../local/runtime/topic-rules.ts";
import { topicRules } from "../../../workflows/catalogue.ts";
import type { TopicRule } from "../../../workflows/topic-rule.ts";

const rule = (sql: string): TopicRule => ({
  name: "r1",
  description: "",
  sql,
  sqlVersion: "2016-03-23",
  workflow: "upstream",
  executionNamePrefix: "p",
});

const message = (topic: string, payload: string, clientId: string): BrokerMessage => ({
  topic,
  payload: Buffer.from(payload),
  clientId,
  acknowledged: true,
});

describe("rules engine", () => {
  it("refuses SQL it does not support when it starts, naming the rule", () => {
    expect(() =>
      createRulesEngine(
        [rule("SELECT aws_lambda('arn', *) AS x FROM 'a/b'")],
        { start: () => undefined },
        () => undefined,
      ),
    ).toThrow(/^rule r1: .*aws_lambda.*\n {2}SQL: SELECT aws_lambda/s);
  });

  it("starts the rule's workflow with the SQL result and the execution name prefix", () => {
    const started: unknown[][] = [];
    const engine = createRulesEngine(
      topicRules("s1"),
      { start: (workflow, input, { namePrefix, rule }) => started.push([workflow, input, { namePrefix, rule }]) },
      () => undefined,
    );
    engine(message("thethings/lorawan/s1/downlink/ack", "{}", "thethings-s1"));
    engine(message("thethings/lorawan/s1/downlink/push", "{}", "thethings-s1"));
    engine(message("lorawan/downlink", "x", "app"));
    expect(started).toEqual([
      [
        "upstream",
        {
          payload: "e30=",
          topic: "thethings/lorawan/s1/downlink/ack",
          clientId: "thethings-s1",
          timestamp: expect.any(Number),
        },
        { namePrefix: "downlink-ack", rule: "tts_s1_downlink_ack" },
      ],
      [
        "downlink",
        { payload: "eA==", topic: "lorawan/downlink", clientId: "app", timestamp: expect.any(Number) },
        { namePrefix: "downlink-request", rule: expect.any(String) },
      ],
    ]);
  });

  it("hands the workflow 64-bit integers as JSON.parse reads them, so starting it never fails on a bigint", () => {
    const started: unknown[] = [];
    const engine = createRulesEngine(
      [rule("SELECT * FROM 'a/b' WHERE id = 18446744073709551615")],
      { start: (_workflow, input) => started.push(JSON.parse(JSON.stringify(input))) },
      () => undefined,
    );
    engine(message("a/b", '{"id":18446744073709551615}', "c"));
    engine(message("a/b", '{"id":18446744073709551614}', "c"));
    expect(started).toEqual([{ id: 2 ** 64 }]); // 18446744073709551615 as a double
  });

  it("reports a workflow that cannot start, like a rule's error action, and goes on", () => {
    const failures: RuleFailure[] = [];
    const engine = createRulesEngine(
      topicRules("s1"),
      {
        start: () => {
          throw new Error("no such state machine");
        },
      },
      (failure) => failures.push(failure),
    );
    expect(engine(message("thethings/lorawan/s1/uplink", "{}", "c"))).toBeUndefined();
    expect(failures).toEqual([
      {
        rule: "tts_s1_uplink",
        workflow: "upstream",
        stage: "action",
        topic: "thethings/lorawan/s1/uplink",
        payload: Buffer.from("{}"),
        clientId: "c",
        error: new Error("no such state machine"),
      },
    ]);
  });

  it("hands the broker what to wait for before acknowledging: the rules' records, or nothing when no rule took the message", async () => {
    let record: () => void = () => undefined;
    const engine = createRulesEngine(
      topicRules("s1"),
      { start: () => new Promise<void>((resolve) => (record = resolve)) },
      () => undefined,
    );
    expect(engine(message("lorawan/t1/uplink", "{}", "app"))).toBeUndefined();
    const acknowledged = engine(message("thethings/lorawan/s1/uplink", "{}", "thethings-s1"));
    let settled = false;
    void acknowledged?.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    record();
    await acknowledged;
    expect(settled).toBe(true);
  });
});
