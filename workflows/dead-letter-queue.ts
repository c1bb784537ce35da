/**
 * The queue each workflow's rules send a message to when they cannot start the workflow (the rules' error
 * action), defined once for the deployed stack and the local runtime, which keep it by the same name.
 */
import { SQS_LIMITS } from "../functions/core/aws-limits.ts";

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
