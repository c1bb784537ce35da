/**
 * The upstream workflow's size guard: Step Functions limits a state to 262,144 bytes of UTF-8 JSON
 * (AWS Step Functions Developer Guide, "Step Functions service quotas": maximum input or output size
 * for a task, state, or execution, 256 KiB); the workflow's input must leave the headroom its states
 * add to it (test/workflows/upstream-workflow.test.ts runs the largest admitted one).
 */
import { describe, expect, it } from "vitest";
import { payloadBytes } from "../../functions/core/step-functions-limits.ts";
import {
  assertFitsUpstreamWorkflow,
  MAX_UPSTREAM_EVENT_BYTES,
  UPSTREAM_HEADROOM_BYTES,
} from "../../functions/ensure-thing/upstream-budget.ts";
import { ruleEventOfSize } from "../support/rule-events.ts";

const eventOfSize = (bytes: number) => ruleEventOfSize(Buffer.alloc(150_000, "a"), bytes);

describe("upstream budget", () => {
  it("is Step Functions' limit minus the headroom", () => {
    expect(MAX_UPSTREAM_EVENT_BYTES).toBe(262_144 - UPSTREAM_HEADROOM_BYTES);
  });

  it("takes an event of exactly the budget", () => {
    const event = eventOfSize(MAX_UPSTREAM_EVENT_BYTES);
    expect(payloadBytes(event)).toBe(MAX_UPSTREAM_EVENT_BYTES);
    expect(() => assertFitsUpstreamWorkflow(event)).not.toThrow();
  });

  it("refuses one byte more with InvalidTtsMessage, naming both sizes and the limit", () => {
    const event = eventOfSize(MAX_UPSTREAM_EVENT_BYTES + 1);
    expect(() => assertFitsUpstreamWorkflow(event)).toThrow(
      expect.objectContaining({
        name: "InvalidTtsMessage",
        message: `too large for the upstream workflow: the message is 150000 bytes, its workflow input ${MAX_UPSTREAM_EVENT_BYTES + 1} bytes (base64); at most ${MAX_UPSTREAM_EVENT_BYTES} fit, as Step Functions limits each state to 262144 bytes`,
      }),
    );
  });

  it("counts UTF-8 bytes, not characters", () => {
    const event = eventOfSize(MAX_UPSTREAM_EVENT_BYTES);
    // Two ASCII characters make way for one "é" of two bytes: the same size, one character fewer.
    const accented = { ...event, topic: `${event.topic.slice(0, -2)}é` };
    expect(() => assertFitsUpstreamWorkflow(accented)).not.toThrow();
    expect(() => assertFitsUpstreamWorkflow({ ...accented, topic: `${accented.topic.slice(0, -1)}éé` })).toThrow(
      /too large/,
    );
  });
});
