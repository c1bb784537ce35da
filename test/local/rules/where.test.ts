import { describe, expect, it } from "vitest";
import { compileRule } from "../../../local/rules/index.ts";
import { jsonMessage, textMessage } from "./messages.ts";

const PAYLOAD = {
  n: 5,
  zero: 0,
  half: 2.5,
  s: "abc",
  numeric: "7",
  t: true,
  f: false,
  yes: "TRUE",
  z: null,
  list: [1, 2],
  object: { a: 1, b: [true] },
};

/** What WHERE yields, seen through SELECT: AWS's Undefined is left out of the result. */
function value(expression: string): unknown {
  const result = compileRule(`SELECT ${expression} AS v FROM 'x'`).evaluate(jsonMessage("x", PAYLOAD));
  return result?.["v"];
}

function passes(condition: string): boolean {
  return compileRule(`SELECT 1 AS one FROM 'x' WHERE ${condition}`).evaluate(jsonMessage("x", PAYLOAD)) !== undefined;
}

/** Expected answers: AWS IoT SQL reference, "Operators" (more cases, each with its doc row, in sql-semantics.test.ts). */
describe("comparisons", () => {
  it.each<[string, boolean | undefined]>([
    ["n = 5", true],
    ["n = 5.0", true],
    ["n = 6", false],
    ["zero = -0", true],
    ["zero <> -0", false],
    ["n <> 6", true],
    ["n <> 5", false],
    ["s = 'abc'", true],
    ["s = 'ABC'", false],
    ["s <> 'abc'", false],
    ["t = true", true],
    ["t = f", false],
    ["list = list", true],
    ["object = object", true],
    ["object = list", false],
    ["n = '5'", false],
    ["n <> '5'", true],
    ["n = t", false],
    ["z = null", true],
    ["missing = 5", undefined],
    ["missing <> 5", undefined],
    ["n > 4", true],
    ["n > 5", false],
    ["n >= 5", true],
    ["n < half", false],
    ["half <= 2.5", true],
    ["n < -1", false],
    ["numeric > n", true],
    ["numeric < '10'", true],
    ["s > 'abb'", undefined],
    ["n > t", undefined],
    ["n > missing", undefined],
    ["list < 3", undefined],
  ])("%s → %s", (comparison, expected) => {
    expect(value(comparison)).toBe(expected);
    expect(passes(comparison)).toBe(expected === true);
  });
});

describe("AND / OR / NOT truth tables (Undefined is not short-circuited)", () => {
  const expected = {
    AND: {
      "t t": true,
      "t f": false,
      "f t": false,
      "f f": false,
      "t missing": undefined,
      "f missing": undefined,
      "missing f": undefined,
      "missing missing": undefined,
      "yes t": true,
      "yes f": false,
      "n t": undefined,
    },
    OR: {
      "t t": true,
      "t f": true,
      "f t": true,
      "f f": false,
      "t missing": undefined,
      "f missing": undefined,
      "missing t": undefined,
      "missing missing": undefined,
      "yes f": true,
      "f yes": true,
      "n f": undefined,
    },
  } as const;

  for (const [operator, table] of Object.entries(expected)) {
    it.each(Object.entries(table))(`%s with ${operator} → %s`, (pair, result) => {
      const [left, right] = pair.split(" ");
      expect(value(`${left} ${operator} ${right}`)).toBe(result);
    });
  }

  it.each<[string, boolean | undefined]>([
    ["t", false],
    ["f", true],
    ["missing", undefined],
    ["yes", false],
    ["n", undefined],
    ["NOT t", true],
  ])("NOT %s → %s", (operand, result) => {
    expect(value(`NOT ${operand}`)).toBe(result);
  });
});

describe("WHERE", () => {
  it.each<[string, boolean]>([
    ["t", true],
    ["yes", false],
    ["n", false],
    ["n = 5 AND s = 'abc'", true],
    ["n = 6 OR s = 'abc'", true],
    ["n = 6 OR missing = 1", false],
    ["NOT n = 6", true],
    ["NOT (n = 5 AND s = 'abc')", false],
    ["n = 6 AND s = 'x' OR t", true],
    ["n = 6 AND (s = 'x' OR t)", false],
    ["t OR f AND f", true],
    ["(t OR f) AND f", false],
    ["NOT t OR t", true],
    ["NOT (t OR t)", false],
    ["object.b[0]", true],
    ["isNull(z) AND isUndefined(missing)", true],
    ["topic() = 'x' AND topic(1) = 'x'", true],
  ])("WHERE %s → emitted: %s", (condition, emitted) => {
    expect(passes(condition)).toBe(emitted);
  });

  it("compares -0 and 0 as one number, also inside arrays and objects", () => {
    const rule = compileRule("SELECT 1 AS one FROM 'x' WHERE a = b AND c = d");
    const message = textMessage("x", '{"a": [-0, 1], "b": [0, 1], "c": {"k": [-0.0]}, "d": {"k": [0]}}');
    expect(rule.evaluate(message)).toEqual({ one: 1 });
  });

  it("says why a message was filtered", () => {
    const rule = compileRule("SELECT * FROM 'x' WHERE n = missing");
    expect(rule.run(jsonMessage("x", PAYLOAD))).toEqual({ status: "filtered", reason: "WHERE evaluated to Undefined" });
    expect(compileRule("SELECT * FROM 'x' WHERE n = 6").run(jsonMessage("x", PAYLOAD))).toEqual({
      status: "filtered",
      reason: "WHERE evaluated to false",
    });
  });
});
