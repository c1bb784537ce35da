/**
 * How large a TTS message the upstream workflow takes. Every state until the Parallel one carries the
 * rule's event (the message once, base64) next to the thing's small description (`$.device`: name,
 * republish topic, times), and each task's parameters add the function's ARN. A message whose event
 * leaves less than the headroom under Step Functions' 256 KB would fail a later state with
 * `States.DataLimitExceeded`, which no Catch takes and which names none of our causes: it is refused
 * here, by the first step, with a named error. (AWS IoT Core's 128 KB messages always fit; the guard
 * holds for any other way an execution gets started, e.g. replaying a dead letter.)
 */
import { InvalidTtsMessageError } from "../core/errors.ts";
import type { RuleEvent } from "../core/rule-event.ts";
import { payloadBytes, STEP_FUNCTIONS_LIMITS } from "../core/step-functions-limits.ts";

/** Room for `$.device` (thing name ≤ 128, topic ≤ 256 bytes, …) and the task parameters' ARN; test/workflows checks it holds. */
export const UPSTREAM_HEADROOM_BYTES = 4_096;
export const MAX_UPSTREAM_EVENT_BYTES = STEP_FUNCTIONS_LIMITS.maxPayloadBytes - UPSTREAM_HEADROOM_BYTES;

/** @throws InvalidTtsMessageError naming the limit when the event would not fit the workflow's states. */
export function assertFitsUpstreamWorkflow(event: RuleEvent): void {
  const bytes = payloadBytes(event);
  if (bytes <= MAX_UPSTREAM_EVENT_BYTES) return;
  const messageBytes = Buffer.byteLength(event.payload, "base64");
  throw new InvalidTtsMessageError(
    `too large for the upstream workflow: the message is ${messageBytes} bytes, its workflow input ${bytes} bytes ` +
      `(base64); at most ${MAX_UPSTREAM_EVENT_BYTES} fit, as Step Functions limits each state to ${STEP_FUNCTIONS_LIMITS.maxPayloadBytes} bytes`,
  );
}
