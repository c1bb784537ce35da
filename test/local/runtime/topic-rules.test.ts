import { describe, expect, it } from "vitest";
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
    const engine = createRulesEngine(topicRules("s1"), { start: (...args) => started.push(args) }, () => undefined);
    engine({ topic: "thethings/lorawan/s1/downlink/ack", payload: Buffer.from("{}"), clientId: "thethings-s1" });
    engine({ topic: "thethings/lorawan/s1/downlink/push", payload: Buffer.from("{}"), clientId: "thethings-s1" });
    engine({ topic: "lorawan/downlink", payload: Buffer.from("x"), clientId: "app" });
    expect(started).toEqual([
      [
        "upstream",
        {
          payload: "e30=",
          topic: "thethings/lorawan/s1/downlink/ack",
          clientId: "thethings-s1",
          timestamp: expect.any(Number),
        },
        { namePrefix: "downlink-ack" },
      ],
      [
        "downlink",
        { payload: "eA==", topic: "lorawan/downlink", clientId: "app", timestamp: expect.any(Number) },
        { namePrefix: "downlink-request" },
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
    engine({ topic: "a/b", payload: Buffer.from('{"id":18446744073709551615}'), clientId: "c" });
    engine({ topic: "a/b", payload: Buffer.from('{"id":18446744073709551614}'), clientId: "c" });
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
    engine({ topic: "thethings/lorawan/s1/uplink", payload: Buffer.from("{}"), clientId: "c" });
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
});
