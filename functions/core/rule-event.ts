/**
 * What our IoT rules hand to a workflow (see `SELECT_RULE_EVENT` in `workflows/topic-rule.ts`): the
 * raw MQTT payload base64-encoded, so that a message that is not JSON still reaches the workflow and
 * fails visibly (or gets `failed` feedback) instead of being dropped by the rules engine.
 */
import * as z from "./zod.ts";

export const RuleEventSchema = z.object({
  topic: z.string().check(z.minLength(1)),
  /** The MQTT payload as published, base64 (`encode(*, 'base64')`). */
  payload: z.base64(),
  clientId: z.optional(z.string()),
  /** Rule evaluation time, ms since the epoch (`timestamp()`). */
  timestamp: z.optional(z.number().check(z.int(), z.nonnegative())),
});

export type RuleEvent = z.infer<typeof RuleEventSchema>;

/** The names the rule SQL must select, kept next to the schema that reads them. */
export const RULE_EVENT_FIELDS = {
  payload: "payload",
  topic: "topic",
  clientId: "clientId",
  timestamp: "timestamp",
} as const satisfies Record<keyof RuleEvent, keyof RuleEvent>;

/** When the rule saw the message, as RFC 3339 (now, if the rule gave no time). */
export function ruleEventTime(event: RuleEvent): string {
  return new Date(event.timestamp ?? Date.now()).toISOString();
}
