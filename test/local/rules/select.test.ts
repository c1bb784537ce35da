import { describe, expect, it } from "vitest";
import { compileRule } from "../../../local/rules/index.ts";
import { jsonMessage } from "./messages.ts";

const TOPIC = "devices/d1/telemetry";
const PAYLOAD = {
  temperature: 21.5,
  ok: true,
  nothing: null,
  state: { reported: { color: "red", modes: ["eco", "boost"] } },
  readings: [{ value: 1 }, { value: 2 }],
};

function select(selectList: string, options?: Parameters<typeof compileRule>[1]): Record<string, unknown> | undefined {
  return compileRule(`SELECT ${selectList} FROM 'devices/+/telemetry'`, options).evaluate(
    jsonMessage(TOPIC, PAYLOAD, "client-1"),
  );
}

describe("SELECT list", () => {
  it.each<[string, Record<string, unknown>]>([
    ["*", PAYLOAD],
    ["temperature", { temperature: 21.5 }],
    ["temperature AS t", { t: 21.5 }],
    ["nothing", { nothing: null }],
    ["state.reported.color", { color: "red" }],
    ["state.reported.modes[1] AS mode", { mode: "boost" }],
    ["readings[0].value", { value: 1 }],
    ["readings[5].value", {}],
    ["missing, missing.deeper AS d", {}],
    ["temperature.deeper AS d", {}],
    [
      "'text' AS s, 42 AS n, -1.5 AS m, true AS yes, false AS no, null AS z",
      { s: "text", n: 42, m: -1.5, yes: true, no: false, z: null },
    ],
    ["*, topic() AS topic", { ...PAYLOAD, topic: TOPIC }],
    ["*, 'overridden' AS temperature", { ...PAYLOAD, temperature: "overridden" }],
    ["topic() AS topic", { topic: TOPIC }],
    ["topic(1) AS a, topic(2) AS b, topic(3) AS c, topic(4) AS d", { a: "devices", b: "d1", c: "telemetry" }],
    ["clientid() AS c", { c: "client-1" }],
    [
      "get(readings, 1) AS r, get(state, 'reported') AS x",
      { r: { value: 2 }, x: { color: "red", modes: ["eco", "boost"] } },
    ],
    [
      "get(state.reported.modes, 0) AS a, get(state.reported.modes, 9) AS b, get(state, 0) AS c, get(state, 'nope') AS d",
      { a: "eco" },
    ],
    [
      "isNull(nothing) AS a, isNull(missing) AS b, isUndefined(missing) AS c, isUndefined(nothing) AS d",
      { a: true, b: false, c: true, d: false },
    ],
    // AWS IoT SQL reference, "Operators", = operator: mismatched types → false.
    ["temperature > 20 AS warm, temperature = 'x' AS mismatch", { warm: true, mismatch: false }],
    ["SeLeCt_me AS x", {}],
  ])("SELECT %s", (selectList, expected) => {
    expect(select(selectList)).toEqual(expected);
  });

  it("keywords are case-insensitive", () => {
    const rule = compileRule("select temperature as t from 'devices/+/telemetry' where ok = TRUE");
    expect(rule.evaluate(jsonMessage(TOPIC, PAYLOAD))).toEqual({ t: 21.5 });
  });

  it("timestamp() reads the injected clock once per message", () => {
    let clock = 1_000;
    const rule = compileRule("SELECT timestamp() AS a, timestamp() AS b FROM '#'", { now: () => clock++ });
    expect(rule.evaluate(jsonMessage(TOPIC, {}))).toEqual({ a: 1_000, b: 1_000 });
    expect(rule.evaluate(jsonMessage(TOPIC, {}))).toEqual({ a: 1_001, b: 1_001 });
  });

  it("timestamp() defaults to the wall clock", () => {
    const before = Date.now();
    const result = compileRule("SELECT timestamp() AS t FROM '#'").evaluate(jsonMessage(TOPIC, {}));
    expect(result?.["t"]).toBeGreaterThanOrEqual(before);
    expect(result?.["t"]).toBeLessThanOrEqual(Date.now());
  });

  it("newuuid() uses the injected generator, else a random v4 UUID", () => {
    expect(select("newuuid() AS id", { newUuid: () => "fixed" })).toEqual({ id: "fixed" });
    expect(select("newuuid() AS id")?.["id"]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("clientid() is 'n/a' without an MQTT client, as AWS answers for HTTP publishes", () => {
    const rule = compileRule("SELECT clientid() AS c FROM '#'");
    expect(rule.evaluate(jsonMessage(TOPIC, {}))).toEqual({ c: "n/a" });
  });

  it("SELECT * copies the payload: results do not share objects with each other", () => {
    const rule = compileRule("SELECT *, 1 AS one FROM '#'");
    const first = rule.evaluate(jsonMessage(TOPIC, { a: 1 }));
    const second = rule.evaluate(jsonMessage(TOPIC, { a: 2 }));
    expect([first, second]).toEqual([
      { a: 1, one: 1 },
      { a: 2, one: 1 },
    ]);
  });

  it("an alias named __proto__ is an ordinary field", () => {
    const result = compileRule("SELECT 1 AS __proto__ FROM '#'").evaluate(jsonMessage(TOPIC, {}));
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result ?? {})).toEqual(["__proto__"]);
  });

  it("exposes its topic filter and matches topics", () => {
    const rule = compileRule("SELECT * FROM 'devices/+/telemetry'");
    expect(rule.topicFilter).toBe("devices/+/telemetry");
    expect(rule.matches(TOPIC)).toBe(true);
    expect(rule.matches("devices/d1/status")).toBe(false);
    expect(rule.evaluate(jsonMessage("devices/d1/status", PAYLOAD))).toBeUndefined();
    expect(rule.run(jsonMessage("devices/d1/status", PAYLOAD))).toEqual({
      status: "unmatched",
      reason: "topic 'devices/d1/status' does not match 'devices/+/telemetry'",
    });
  });
});
