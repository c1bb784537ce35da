/** Execution inputs as our IoT rules produce them. */
import type { RuleEvent } from "../../functions/core/rule-event.ts";

export function ruleEvent(
  payload: Uint8Array | string | object,
  topic = "thethings/lorawan/test-stack/uplink",
): RuleEvent {
  const bytes =
    payload instanceof Uint8Array
      ? payload
      : Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload));
  return {
    topic,
    payload: Buffer.from(bytes).toString("base64"),
    clientId: "thethings-test-stack",
    timestamp: 1_700_000_000_000,
  };
}

/** What the upstream rules hand the upstream workflow. */
export const upstreamEvent = ruleEvent;

/** A rule event of exactly `bytes` of JSON: the topic takes up what the base64 payload leaves. */
export function ruleEventOfSize(payload: Uint8Array, bytes: number): RuleEvent {
  const event = ruleEvent(payload);
  const slack = bytes - Buffer.byteLength(JSON.stringify(event));
  if (slack < 0) throw new Error(`a ${payload.length}-byte message makes a larger event than ${bytes} bytes`);
  return { ...event, topic: event.topic + "x".repeat(slack) };
}
