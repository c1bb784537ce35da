/**
 * The downlink ASL's push loop — the same document that deploys — run by aws-local-stepfunctions with
 * scripted Push and CheckQueue steps (the real Validate step), to walk the paths TTS's faults take:
 * which state follows which outcome, what is pushed again, what the application is told.
 */
import { StateMachine } from "aws-local-stepfunctions";
import { describe, expect, it } from "vitest";
import type { PushResult, QueueLookupResult } from "../../functions/core/downlink/steps.ts";
import { createValidateDownlinkHandler } from "../../functions/validate-downlink/handler.ts";
import { localFunctionArn, taskOverrides } from "../../local/workflows/task-overrides.ts";
import { allStates } from "../../workflows/asl.ts";
import { downlinkWorkflow, MAX_PUSHES } from "../../workflows/downlink-workflow.ts";
import { ruleEvent } from "../support/rule-events.ts";

const definition = downlinkWorkflow(localFunctionArn, { stackName: "test-stack" });
const machine = new StateMachine(definition as never);
const THING = { Attributes: { deviceID: "dev1", applicationID: "app1", stackName: "test-stack" } };

const failure = (message: string) => ({ code: "tts_unavailable" as const, message, attributes: {} });
const pushed = (outcome: PushResult["outcome"]): PushResult => ({
  outcome,
  path: "/api/v3/as/applications/app1/devices/dev1/down/push",
  failure: outcome === "enqueued" ? null : failure(`push ${outcome}`),
  retryInSeconds: 1,
});
const lookup = (found: boolean): QueueLookupResult => ({ readable: true, found, failure: null });

/** Runs a request with Push and CheckQueue answering in turn (an Error is thrown as the function's error). */
async function run(
  request: object,
  script: { push: (PushResult | Error)[]; look?: QueueLookupResult[]; heldBy?: string },
): Promise<{
  states: string[];
  pushes: number;
  claims: string[];
  output?: unknown;
  error?: string;
  feedback?: unknown;
}> {
  const states: string[] = [];
  const claims: string[] = [];
  let pushes = 0;
  let looks = 0;
  let feedback: unknown;
  const next = <T>(list: T[], index: number) => list[Math.min(index, list.length - 1)]!;
  const handlers = {
    "validate-downlink": createValidateDownlinkHandler() as never,
    "enqueue-downlink": async () => {
      const answer = next(script.push, pushes++);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    "find-queued-downlink": async () => next(script.look ?? [lookup(false)], looks++),
    "downlink-claim": async ({ action }: { action: string }) => {
      claims.push(action);
      if (action === "release") return { released: true };
      return script.heldBy === undefined ? { claimed: true, heldBy: null } : { claimed: false, heldBy: script.heldBy };
    },
    "publish-feedback": async ({ state }: { state: { failed: unknown } }) => {
      feedback = state.failed;
      const failed = state.failed as { code?: string; Error?: string };
      return { topic: "lorawan/T/downlink/failed", error: failed.code ?? failed.Error ?? "?", message: "told" };
    },
  };
  const execution = machine.run(ruleEvent(request, "lorawan/downlink") as never, {
    overrides: {
      taskResourceLocalHandlers: taskOverrides(definition, {
        handlers: handlers as never,
        sdk: { override: () => async () => THING },
      }) as never,
      retryIntervalOverrides: Object.fromEntries(allStates(definition).map(({ name }) => [name, 0])),
      waitTimeOverrides: Object.fromEntries(allStates(definition).map(({ name }) => [name, 0])),
    },
    context: { Execution: { Name: "downlink-request-1" } } as never,
  });
  const collected = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === "StateEntered") states.push(event.state.name);
    }
  })();
  try {
    const output = await execution.result;
    await collected;
    return { states, pushes, claims, output };
  } catch (error) {
    await collected;
    return { states, pushes, claims, error: (error as { cause?: Error }).cause?.name ?? String(error), feedback };
  }
}

const request = { thingName: "0004A30B001C0530", bytes: "AQ==" };

describe("the downlink workflow's push loop", () => {
  it("looks into the queue after an unknown outcome, after a wait, and is done when it is there", async () => {
    const result = await run(request, { push: [pushed("unknown")], look: [lookup(true)] });
    expect(result.pushes).toBe(1);
    expect(result.output).toMatchObject({ enqueued: true, pushes: 1 });
    expect(result.states).toEqual(
      expect.arrayContaining(["Push", "PushOutcome", "WaitBeforeLook", "CheckQueue", "InQueue", "Enqueued"]),
    );
    expect(result.states.indexOf("WaitBeforeLook")).toBeLessThan(result.states.indexOf("CheckQueue"));
  });

  it("pushes again at once when the look shows it is not there", async () => {
    const result = await run(request, { push: [pushed("unknown"), pushed("enqueued")], look: [lookup(false)] });
    expect(result.pushes).toBe(2);
    expect(result.output).toMatchObject({ enqueued: true, pushes: 2 });
    expect(result.states).toContain("CanPushAgainNow");
  });

  it("waits and pushes again without looking after a push TTS did not take (unavailable)", async () => {
    const result = await run(request, { push: [pushed("unavailable"), pushed("enqueued")] });
    expect(result.pushes).toBe(2);
    expect(result.states).not.toContain("CheckQueue");
    expect(result.states).toContain("WaitBeforePush");
  });

  it(`stops after ${MAX_PUSHES} pushes with tts_unavailable when the queue says it is not there`, async () => {
    const result = await run(request, { push: [pushed("unknown")], look: [lookup(false)] });
    expect(result.pushes).toBe(MAX_PUSHES);
    expect(result.error).toBe("tts_unavailable");
    expect(result.feedback).toMatchObject({
      code: "tts_unavailable",
      message: `push unknown (not queued after ${MAX_PUSHES} pushes)`,
    });
  });

  it("says tts_outcome_unknown when the queue cannot be read after an unknown outcome", async () => {
    const unreadable: QueueLookupResult = { readable: false, found: false, failure: failure("403") };
    const result = await run(request, { push: [pushed("unknown")], look: [unreadable] });
    expect(result.pushes).toBe(1);
    expect(result.error).toBe("tts_outcome_unknown");
  });

  it("treats a Push function that stopped mid-flight (timeout, crash) as an unknown outcome: it looks", async () => {
    const crashed = Object.assign(new Error("Task timed out after 10.00 seconds"), { name: "Sandbox.Timedout" });
    const result = await run(request, { push: [crashed], look: [lookup(true)] });
    expect(result.states).toEqual(expect.arrayContaining(["PushInterrupted", "CheckQueue", "Enqueued"]));
    expect(result.pushes).toBe(1);
  });

  it("fails at once, without a look, when the Push function refused its input before any call", async () => {
    const invalid = Object.assign(new Error("invalid step input"), { name: "InvalidStepInput" });
    const result = await run(request, { push: [invalid] });
    expect(result.states).not.toContain("CheckQueue");
    expect(result.feedback).toMatchObject({ Error: "InvalidStepInput" });
  });

  it("publishes a final refusal as it is (tts_unauthorized…), after one push", async () => {
    const refused: PushResult = {
      ...pushed("refused"),
      failure: { code: "tts_unauthorized", message: "TTS answered 401" },
    };
    const result = await run(request, { push: [refused] });
    expect(result.pushes).toBe(1);
    expect(result.error).toBe("tts_unauthorized");
  });

  it("checks for a duplicate before the first push of a request with a correlationId, and pushes nothing if queued", async () => {
    const result = await run(
      { ...request, correlationId: "order-42" },
      { push: [pushed("enqueued")], look: [lookup(true)] },
    );
    expect(result.pushes).toBe(0);
    expect(result.output).toMatchObject({ duplicate: true, correlationId: "order-42" });
    expect(result.claims).toEqual(["claim", "release"]);
  });

  it("lets one execution at a time go on with a correlationId: another holding it answers, this one ends", async () => {
    const result = await run(
      { ...request, correlationId: "order-43" },
      { push: [pushed("enqueued")], heldBy: "downlink-request-0" },
    );
    expect(result.pushes).toBe(0);
    expect(result.states).not.toContain("FindDuplicate");
    expect(result.output).toMatchObject({ duplicate: true, enqueued: false, inProgressBy: "downlink-request-0" });
    expect(result.claims).toEqual(["claim"]);
  });

  it("gives the claim back after a success and after a failure, so a resend is not taken for a duplicate", async () => {
    const ok = await run(
      { ...request, correlationId: "order-44" },
      { push: [pushed("enqueued")], look: [lookup(false)] },
    );
    expect(ok.output).toMatchObject({ enqueued: true, pushes: 1 });
    expect(ok.claims).toEqual(["claim", "release"]);
    const refused: PushResult = {
      ...pushed("refused"),
      failure: { code: "tts_rejected", message: "TTS answered 400" },
    };
    const failed = await run({ ...request, correlationId: "order-45" }, { push: [refused], look: [lookup(false)] });
    expect(failed.error).toBe("tts_rejected");
    expect(failed.claims).toEqual(["claim", "release"]);
  });

  it("claims nothing for a request without correlationId", async () => {
    const result = await run(request, { push: [pushed("enqueued")] });
    expect(result.claims).toEqual([]);
    expect(result.output).toMatchObject({ enqueued: true });
  });
});
