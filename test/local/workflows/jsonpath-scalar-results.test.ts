/**
 * The jsonpath-plus patch (local/workflows/jsonpath-scalar-results.ts) changes what a scalar result costs,
 * never what any path gives: the same values as the library's documented function form (`wrap: false`
 * unwraps a single result), stack traces as before for every other error, and the same state machine
 * outputs through aws-local-stepfunctions.
 */
import { StateMachine } from "aws-local-stepfunctions";
import { JSONPath } from "jsonpath-plus";
import { describe, expect, it } from "vitest";
import "../../../local/workflows/jsonpath-scalar-results.ts";

const json = { number: 7, zero: 0, text: "x", empty: "", no: false, nothing: null, list: [1, 2], object: { a: 1 } };
const query = (path: string) => JSONPath({ path, json, wrap: false });

describe("jsonpath-plus with the scalar results patch", () => {
  it("gives every scalar, falsy ones included, and objects as the library does", () => {
    expect(query("$.number")).toBe(7);
    expect(query("$.zero")).toBe(0);
    expect(query("$.text")).toBe("x");
    expect(query("$.empty")).toBe("");
    expect(query("$.no")).toBe(false);
    expect(query("$.nothing")).toBeNull();
    expect(query("$.missing")).toBeUndefined();
    expect(query("$.list")).toEqual([1, 2]);
    expect(query("$.object")).toEqual({ a: 1 });
    expect(JSONPath({ path: "$.list[*]", json })).toEqual([1, 2]);
  });

  it("leaves Error.stackTraceLimit as it was, and errors made right after a scalar result keep their stack", () => {
    const limit = Error.stackTraceLimit;
    query("$.number");
    expect(Error.stackTraceLimit).toBe(limit);
    const error = new Error("after a scalar");
    expect(error.stack?.split("\n").length).toBeGreaterThan(1);
  });

  it("still throws the library's error for a scalar result when called with new", () => {
    const construct = () =>
      new (JSONPath as unknown as new (options: object) => unknown)({ path: "$.text", json, wrap: false });
    expect(construct).toThrow(expect.objectContaining({ name: "NewError", avoidNew: true, value: "x" }));
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });

  it("gives aws-local-stepfunctions the same outputs for scalar, missing-object and object paths", async () => {
    const machine = new StateMachine(
      {
        StartAt: "Pick",
        States: {
          Pick: {
            Type: "Pass",
            Parameters: { "n.$": "$.number", "t.$": "$.text", "z.$": "$.zero", "f.$": "$.no", "o.$": "$.object" },
            ResultPath: "$.picked",
            Next: "Done",
          },
          Done: { Type: "Pass", InputPath: "$.picked", End: true },
        },
      } as never,
      { validationOptions: { noValidate: true } },
    );
    const output = await machine.run(json as never).result;
    expect(output).toEqual({ n: 7, t: "x", z: 0, f: false, o: { a: 1 } });
    const all = await new StateMachine(
      {
        StartAt: "P",
        States: { P: { Type: "Pass", Parameters: { "n.$": "$.number", "f.$": "$.no", "z.$": "$.zero" }, End: true } },
      } as never,
      { validationOptions: { noValidate: true } },
    ).run(json as never).result;
    expect(all).toEqual({ n: 7, f: false, z: 0 });
  });
});
