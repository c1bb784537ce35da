import aslValidator from "asl-validator";
import { describe, expect, it } from "vitest";
import { localFunctionArn } from "../../local/workflows/task-overrides.ts";
import { allStates } from "../../workflows/asl.ts";
import { WORKFLOW_NAMES, WORKFLOWS } from "../../workflows/catalogue.ts";
import { PUSH_NOT_RUN_RETRY } from "../../workflows/downlink-workflow.ts";
import { LAMBDA_INVOKE, TRANSIENT_ERRORS } from "../../workflows/lambda-task.ts";

const definitions = WORKFLOW_NAMES.map(
  (name) => [name, WORKFLOWS[name].definition(localFunctionArn, { stackName: "prod-eu1" })] as const,
);

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

  it("retries transient failures with bounded, jittered exponential backoff on every task", () => {
    const tasks = allStates(definition).filter(({ state }) => state.Type === "Task");
    expect(tasks.length).toBeGreaterThan(0);
    for (const { name, state: task } of tasks) {
      if (task.Type !== "Task") continue;
      for (const retrier of task.Retry ?? []) {
        expect(retrier, name).toMatchObject({
          BackoffRate: 2,
          JitterStrategy: "FULL",
          MaxAttempts: expect.any(Number),
          MaxDelaySeconds: expect.any(Number),
        });
        expect(retrier.MaxAttempts, name).toBeLessThanOrEqual(4);
      }
      if (task.Resource !== LAMBDA_INVOKE) {
        expect(task.Retry?.length, name).toBeGreaterThan(0);
        continue;
      }
      expect(task.Retry, name).toContainEqual(
        expect.objectContaining({
          // A push is repeated only through the workflow's look-before-you-push loop (see below).
          ErrorEquals: name === "Push" ? PUSH_NOT_RUN_RETRY.ErrorEquals : TRANSIENT_ERRORS,
          BackoffRate: 2,
          JitterStrategy: "FULL",
          MaxAttempts: expect.any(Number),
          MaxDelaySeconds: expect.any(Number),
        }),
      );
      expect(task.TimeoutSeconds, name).toBeGreaterThan(0);
    }
  });

  it("ends every failure in its one Fail state, whose error and cause come from the state data", () => {
    const fails = allStates(definition).filter(({ state }) => state.Type === "Fail");
    expect(fails).toHaveLength(1);
    expect(fails[0]!.state).toMatchObject({
      ErrorPath: expect.stringMatching(/^\$\./),
      CausePath: expect.stringMatching(/^\$\./),
    });
  });

  it("catches every error of every top-level step (but the last-resort feedback step itself)", () => {
    for (const [name, state] of Object.entries(definition.States)) {
      if ((state.Type === "Task" || state.Type === "Parallel") && name !== "PublishFailed") {
        expect(state.Catch?.at(-1), name).toEqual(expect.objectContaining({ ErrorEquals: ["States.ALL"] }));
      }
    }
  });

  it("stays inside the Express 5-minute limit", () => {
    expect(definition.TimeoutSeconds).toBeLessThanOrEqual(300);
  });
});

describe("the upstream workflow's state", () => {
  const upstream = WORKFLOWS.upstream.definition(localFunctionArn, { stackName: "prod-eu1" });
  const states = Object.fromEntries(allStates(upstream).map(({ name, state }) => [name, state]));
  /** Where each step's parameters read the rule's base64 `payload`, the one copy of the message. */
  const readsPayload = (name: string) => JSON.stringify(states[name]).includes('"$.payload"');

  it("hands the message only to the steps that read it: EnsureThing (the whole event), UpdateShadow, Republish", () => {
    expect(states["EnsureThing"]).toMatchObject({ Parameters: { "Payload.$": "$" } });
    expect(readsPayload("UpdateShadow")).toBe(true);
    expect(readsPayload("Republish")).toBe(true);
  });

  it("keeps no second copy: EnsureThing's result is the thing's description, not the decoded message", () => {
    const ensureThing = states["EnsureThing"]!;
    expect(ensureThing.Type === "Task" && Object.keys(ensureThing.ResultSelector ?? {}).sort()).toEqual([
      "event.$",
      "receivedAt.$",
      "republishTopic.$",
      "thing.$",
      "thingName.$",
    ]);
  });

  it("ends with the Parallel state's small summary in place of its input (no ResultPath: the result replaces it)", () => {
    const parallel = states["UpdateShadowAndRepublish"]!;
    expect(parallel).toMatchObject({ Type: "Parallel", End: true, ResultSelector: expect.any(Object) });
    expect(parallel).not.toHaveProperty("ResultPath");
    // The shadow branch outputs the device with its outcome, not its input (which holds the message).
    expect(states["UpdateShadow"]).toMatchObject({ ResultPath: "$.device.shadow", OutputPath: "$.device" });
    expect(states["Republish"]).not.toHaveProperty("ResultPath");
  });
});
