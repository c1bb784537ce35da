/**
 * The queue each workflow's rules send a message to when they cannot start the workflow (the rules' error
 * action), defined once for the deployed stack and the local runtime, which keep it by the same name.
 */
import { z } from "zod";
import { SQS_LIMITS } from "../functions/core/aws-limits.ts";
import { RULE_EVENT_FIELDS as F, type RuleEvent, RuleEventSchema } from "../functions/core/rule-event.ts";

export const DEAD_LETTER_QUEUE = {
  /** The maximum, 14 days, so a weekend outage can be replayed. */
  retentionSeconds: 14 * 24 * 60 * 60,
  maxMessageBytes: SQS_LIMITS.defaultMaxMessageBytes,
  /** SQS's default: a received message reappears after 30 s unless deleted. */
  visibilityTimeoutSeconds: 30,
} as const;

/** e.g. `prod-eu1-upstream-rules-dlq` for the state machine `prod-eu1-upstream`: one queue per workflow. */
export function deadLetterQueueName(stateMachineName: string): string {
  return `${stateMachineName}-rules-dlq`;
}

/**
 * What the rules' error action sends (AWS IoT Core Developer Guide, "Error handling (error action)",
 * error action message format; our rules' actions keep `useBase64: false`, so the body is this JSON).
 */
export const ErrorActionMessageSchema = z.object({
  ruleName: z.string().min(1),
  topic: z.string().min(1),
  cloudwatchTraceId: z.string(),
  clientId: z.string(),
  base64OriginalPayload: z.base64(),
  failures: z.array(z.object({ failedAction: z.string(), failedResource: z.string(), errorMessage: z.string() })),
});

export type ErrorActionMessage = z.infer<typeof ErrorActionMessageSchema>;

/**
 * The input the rule gave (or would have given) the workflow for the dead-lettered message: what
 * `SELECT_RULE_EVENT` selects, rebuilt from the same fields. The message does not carry the rule's
 * `timestamp()`; the time SQS received it (`SentTimestamp`) is when the rule ran, to the action's latency.
 */
export function ruleEventOf(message: ErrorActionMessage, sentTimestamp: number): RuleEvent {
  return RuleEventSchema.parse({
    [F.payload]: message.base64OriginalPayload,
    [F.topic]: message.topic,
    [F.clientId]: message.clientId,
    [F.timestamp]: sentTimestamp,
  } satisfies RuleEvent);
}
