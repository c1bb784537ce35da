/**
 * AWS Step Functions' payload quota, in one place (DESIGN §5): the upstream workflow's first step
 * refuses a message that could not fit, and the local runner fails a state past it as AWS does.
 *
 * Source: AWS Step Functions Developer Guide, "Step Functions service quotas", quotas related to task
 * executions: "Maximum input or output size for a task, state, or execution: 256 KiB of data as a
 * UTF-8 encoded string. This quota affects tasks (activity, Lambda function, or integrated service),
 * state or execution output, and input data when scheduling a task, entering a state, or starting an
 * execution." Past it a state fails with `States.DataLimitExceeded`, which no catcher takes
 * ("Handling errors in Step Functions workflows", error names).
 */

export const STEP_FUNCTIONS_LIMITS = {
  /** Input or output of a task, a state or an execution: its JSON text in UTF-8, in bytes. */
  maxPayloadBytes: 262_144,
} as const;

export const DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";

/** A payload's size as Step Functions counts it: the UTF-8 bytes of its JSON text. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "null", "utf8");
}
