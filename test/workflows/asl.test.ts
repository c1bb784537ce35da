import aslValidator from "asl-validator";
import { describe, expect, it } from "vitest";
import { WORKFLOWS, WORKFLOW_NAMES } from "../../workflows/catalogue.ts";
import { TRANSIENT_ERRORS } from "../../workflows/lambda-task.ts";
import { localFunctionArn } from "../../local/workflows/lambda-overrides.ts";
import { allStates } from "../support/asl.ts";

const definitions = WORKFLOW_NAMES.map((name) => [name, WORKFLOWS[name].definition(localFunctionArn)] as const);

describe.each(definitions)("the %s workflow", (_, definition) => {
  it("is valid ASL", () => {
    // asl-validator annotates what it is given: hand it a copy.
    const { isValid, errors } = aslValidator(structuredClone(definition));
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it("is JSONPath only (aws-local-stepfunctions silently ignores JSONata features)", () => {
    const text = JSON.stringify(definition);
    for (const forbidden of ['"QueryLanguage"', '"Arguments"', '"Output"', '"Assign"', "{%"]) {
      expect(text, forbidden).not.toContain(forbidden);
    }
  });

  it("retries transient failures with bounded, jittered exponential backoff on every Lambda task", () => {
    const tasks = allStates(definition).filter(([, state]) => state.Type === "Task");
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, task] of tasks) {
      if (task.Type !== "Task") continue;
      expect(task.Retry, name).toEqual([
        expect.objectContaining({
          ErrorEquals: TRANSIENT_ERRORS,
          BackoffRate: 2,
          JitterStrategy: "FULL",
          MaxAttempts: expect.any(Number),
          MaxDelaySeconds: expect.any(Number),
        }),
      ]);
      expect(task.TimeoutSeconds, name).toBeGreaterThan(0);
    }
  });

  it("ends every failure in a Fail state that keeps the step's error and cause", () => {
    const fails = allStates(definition).filter(([, state]) => state.Type === "Fail");
    expect(fails).toEqual([["Failed", expect.objectContaining({ ErrorPath: "$.error.Error", CausePath: "$.error.Cause" })]]);
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type === "Task" || state.Type === "Parallel") {
        expect(state.Catch, name).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Failed" }]);
      }
    }
  });

  it("stays inside the Express 5-minute limit", () => {
    expect(definition.TimeoutSeconds).toBeLessThanOrEqual(300);
  });
});
