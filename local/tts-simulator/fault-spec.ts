/**
 * The faults the simulated TTS can be told to inject, in one shape for `FaultInjector.inject` and for
 * `POST /simulator/faults`, validated the same way for both. The kinds cover every case where a client
 * of the downlink queue API cannot tell whether TTS queued the downlink:
 *
 *   delay                  wait `delayMs`, then process and answer (the client may have given up meanwhile)
 *   slowAnswer             process at once, answer after `delayMs`
 *   errorBeforeProcessing  answer `status` (429 or 5xx, optional Retry-After), nothing done
 *   errorAfterProcessing   process, then answer `status` (5xx) all the same
 *   reset                  read the body, process it or not (`processed`), drop the connection unanswered
 *   nack                   the device does not acknowledge the next `count` confirmed downlinks
 *   rejectKey              every API key is refused with 401 until the faults are cleared
 *   withholdRights         the API keys lose `rights` (403 where a route needs one) until the faults are cleared
 *
 * Counted kinds apply to the next `count` (1) requests of route `action` (a route name of
 * tts-api-routes.ts: push, replace, list, is.create, js.set, …; any request when absent).
 */
import { z } from "zod";
import { fieldPath } from "./downlink-request.ts";
import { APPLICATION_RIGHTS } from "./rights.ts";
import { ROUTE_NAMES } from "./tts-api-routes.ts";

export class InvalidFaultError extends Error {
  override readonly name = "InvalidFaultError";
}

const ERROR_BEFORE_PROCESSING_STATUSES = [429, 500, 502, 503, 504] as const;
const ERROR_AFTER_PROCESSING_STATUSES = [500, 502, 503, 504] as const;
export type RefusalStatus = (typeof ERROR_BEFORE_PROCESSING_STATUSES)[number];

/** setTimeout fires at once beyond 2^31-1 ms; an hour is already far past any client's timeout. */
const MAX_DELAY_MS = 3_600_000;

const show = (value: unknown) => (typeof value === "string" ? `"${value}"` : String(JSON.stringify(value)));
const must =
  (expected: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? "is required" : `must be ${expected}, got ${show(issue.input)}`;

const wholeNumber = (min: number, expected: string) =>
  z
    .number({ error: must(expected) })
    .int({ error: must(expected) })
    .min(min, { error: must(expected) });

const oneOf = (values: readonly (string | number)[]) =>
  `${values
    .slice(0, -1)
    .map((value) => String(value))
    .join(", ")} or ${String(values.at(-1))}`;

const count = wholeNumber(1, "a whole number ≥ 1").default(1);
const action = z.enum(ROUTE_NAMES, { error: must(oneOf(ROUTE_NAMES)) }).optional();
const rights = z
  .array(z.enum(APPLICATION_RIGHTS, { error: must(oneOf(APPLICATION_RIGHTS)) }), {
    error: must("a list of TTS application rights"),
  })
  .min(1, { error: "must name at least one right" });
const delayMs = z
  .number({ error: must(`a number of milliseconds from 0 to ${MAX_DELAY_MS}`) })
  .min(0, { error: must(`a number of milliseconds from 0 to ${MAX_DELAY_MS}`) })
  .max(MAX_DELAY_MS, { error: must(`a number of milliseconds from 0 to ${MAX_DELAY_MS}`) });
const retryAfterSeconds = wholeNumber(0, "a whole number of seconds ≥ 0").optional();
const statusOf = <const T extends readonly [number, ...number[]]>(statuses: T) =>
  z.literal(statuses, { error: must(oneOf(statuses)) });

const FAULT_SCHEMAS = {
  delay: z.strictObject({ kind: z.literal("delay"), count, action, delayMs }),
  slowAnswer: z.strictObject({ kind: z.literal("slowAnswer"), count, action, delayMs }),
  errorBeforeProcessing: z.strictObject({
    kind: z.literal("errorBeforeProcessing"),
    count,
    action,
    status: statusOf(ERROR_BEFORE_PROCESSING_STATUSES),
    retryAfterSeconds,
  }),
  errorAfterProcessing: z.strictObject({
    kind: z.literal("errorAfterProcessing"),
    count,
    action,
    status: statusOf(ERROR_AFTER_PROCESSING_STATUSES),
    retryAfterSeconds,
  }),
  reset: z.strictObject({
    kind: z.literal("reset"),
    count,
    action,
    processed: z.boolean({ error: must("true (processed, then dropped) or false (dropped unprocessed)") }),
  }),
  nack: z.strictObject({ kind: z.literal("nack"), count }),
  rejectKey: z.strictObject({ kind: z.literal("rejectKey") }),
  withholdRights: z.strictObject({ kind: z.literal("withholdRights"), rights }),
};

export type FaultKind = keyof typeof FAULT_SCHEMAS;
export const FAULT_KINDS = Object.keys(FAULT_SCHEMAS) as FaultKind[];

const FaultSchema = z.discriminatedUnion("kind", [
  FAULT_SCHEMAS.delay,
  FAULT_SCHEMAS.slowAnswer,
  FAULT_SCHEMAS.errorBeforeProcessing,
  FAULT_SCHEMAS.errorAfterProcessing,
  FAULT_SCHEMAS.reset,
  FAULT_SCHEMAS.nack,
  FAULT_SCHEMAS.rejectKey,
  FAULT_SCHEMAS.withholdRights,
]);

/** A fault as asked for: `count` may be left out (1). */
export type FaultInput = z.input<typeof FaultSchema>;
/** A fault as stored: `count` filled in. */
export type Fault = z.output<typeof FaultSchema>;

/** Validates a fault (typed or parsed JSON); throws `InvalidFaultError` naming the first problem. */
export function parseFault(input: unknown): Fault {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InvalidFaultError(`a fault is a JSON object with a \`kind\`, got ${show(input)}`);
  }
  const kind = (input as { kind?: unknown }).kind;
  if (typeof kind !== "string" || !Object.hasOwn(FAULT_SCHEMAS, kind)) {
    throw new InvalidFaultError(`\`kind\` ${must(oneOf(FAULT_KINDS))({ input: kind })}`);
  }
  const schema = FAULT_SCHEMAS[kind as FaultKind];
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const fields = Object.keys(schema.shape).filter((field) => field !== "kind");
    const takes = fields.length === 0 ? "nothing else" : fields.map((field) => `\`${field}\``).join(", ");
    throw new InvalidFaultError(`\`${issue.keys[0]}\` does not apply to a ${kind} fault, which takes ${takes}`);
  }
  throw new InvalidFaultError(`\`${fieldPath(issue.path)}\` ${issue.message}`);
}
