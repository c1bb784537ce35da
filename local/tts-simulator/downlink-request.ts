/**
 * The body of TTS's `down/push` and `down/replace` (`ttn.lorawan.v3.DownlinkQueueRequest`), validated
 * the way the API does before anything is queued: a 400 names the first offending field.
 */
import { z } from "zod";
import { MAX_APPLICATION_F_PORT, MAX_FRM_PAYLOAD_BYTES, MIN_APPLICATION_F_PORT } from "./downlink-limits.ts";

/** `ttn.lorawan.v3.TxSchedulePriority`, lowest first; LOWEST is the enum's zero value. */
export const TX_SCHEDULE_PRIORITIES = [
  "LOWEST",
  "LOW",
  "BELOW_NORMAL",
  "NORMAL",
  "ABOVE_NORMAL",
  "HIGH",
  "HIGHEST",
] as const;
export type TxSchedulePriority = (typeof TX_SCHEDULE_PRIORITIES)[number];

/** TTS bounds correlation IDs; a runaway client should hear about it rather than grow our queue. */
const MAX_CORRELATION_ID_LENGTH = 100;
const MAX_CORRELATION_IDS = 32;

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const required = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "is required" : `must be ${expected}`;

const FrmPayload = z
  .string({ error: required("a base64 string") })
  .regex(STANDARD_BASE64, "must be standard base64")
  .refine(
    (text) => Buffer.from(text, "base64").length <= MAX_FRM_PAYLOAD_BYTES,
    `must be at most ${MAX_FRM_PAYLOAD_BYTES} bytes`,
  );

const ApplicationDownlinkRequestSchema = z
  .strictObject({
    f_port: z
      .number({ error: required("a number") })
      .int("must be an integer")
      .min(MIN_APPLICATION_F_PORT, `must be inside range [${MIN_APPLICATION_F_PORT}, ${MAX_APPLICATION_F_PORT}]`)
      .max(MAX_APPLICATION_F_PORT, `must be inside range [${MIN_APPLICATION_F_PORT}, ${MAX_APPLICATION_F_PORT}]`),
    frm_payload: FrmPayload.optional(),
    decoded_payload: z.record(z.string(), z.unknown(), { error: "must be a JSON object" }).optional(),
    confirmed: z.boolean({ error: "must be true or false" }).optional(),
    priority: z
      .enum(TX_SCHEDULE_PRIORITIES, { error: `must be one of ${TX_SCHEDULE_PRIORITIES.join(", ")}` })
      .optional(),
    correlation_ids: z
      .array(
        z
          .string({ error: "must be a string" })
          .min(1, "must not be empty")
          .max(MAX_CORRELATION_ID_LENGTH, `must be at most ${MAX_CORRELATION_ID_LENGTH} characters`),
        {
          error: "must be an array of strings",
        },
      )
      .max(MAX_CORRELATION_IDS, `must have at most ${MAX_CORRELATION_IDS} entries`)
      .optional(),
  })
  // Real TTS would also take both (frm_payload wins); we insist on one so a client bug shows here.
  .refine((downlink) => (downlink.frm_payload === undefined) !== (downlink.decoded_payload === undefined), {
    message: "exactly one of frm_payload and decoded_payload must be set",
    path: ["frm_payload"],
  });

const DownlinkQueueRequestSchema = z.strictObject({
  // TTS's request message carries the IDs too; the path decides, so they are accepted and ignored.
  end_device_ids: z.looseObject({}).optional(),
  downlinks: z.array(ApplicationDownlinkRequestSchema, { error: required("an array of downlinks") }),
});

export type ApplicationDownlinkRequest = z.infer<typeof ApplicationDownlinkRequestSchema>;

export class InvalidDownlinkRequestError extends Error {
  override readonly name = "InvalidDownlinkRequestError";
  /** As TTS writes field paths: `downlinks[0].f_port`. */
  readonly field: string;
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`invalid \`${field}\`: ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    text += typeof segment === "number" ? `[${segment}]` : `${text === "" ? "" : "."}${String(segment)}`;
  }
  return text === "" ? "(body)" : text;
}

/** Validates a parsed JSON body; throws `InvalidDownlinkRequestError` for the first problem. */
export function parseDownlinkQueueRequest(body: unknown): ApplicationDownlinkRequest[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidDownlinkRequestError("(body)", "must be a JSON object with `downlinks`");
  }
  const result = DownlinkQueueRequestSchema.safeParse(body);
  if (result.success) return result.data.downlinks;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    return reject(fieldPath([...issue.path, issue.keys[0] ?? ""]), "unknown field");
  }
  return reject(fieldPath(issue.path), issue.message);
}

function reject(field: string, reason: string): never {
  throw new InvalidDownlinkRequestError(field, reason);
}

/**
 * The bytes the device would receive. The simulator has no payload formatter, so a `decoded_payload`
 * becomes its UTF-8 JSON text: deterministic, and long objects still hit the data-rate limit.
 */
export function downlinkPayloadBytes(
  downlink: Pick<ApplicationDownlinkRequest, "frm_payload" | "decoded_payload">,
): Buffer {
  if (downlink.frm_payload !== undefined) return Buffer.from(downlink.frm_payload, "base64");
  return Buffer.from(JSON.stringify(downlink.decoded_payload ?? {}), "utf8");
}
