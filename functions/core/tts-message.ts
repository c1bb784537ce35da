/**
 * Parsing and validation of TTS `ApplicationUp` JSON (TTS v3 data format, zero fields omitted).
 *
 * The schema checks only what we read; everything else passes through untouched so the republished
 * message stays the TTS message.
 */
import { z } from "zod";
import { IOT_MESSAGE_LIMITS } from "./aws-limits.ts";
import { InvalidTtsMessageError } from "./errors.ts";
import { decodeJsonPayload, echoed } from "./json-payload.ts";
import { TTS_EVENT_KINDS, TTS_EVENTS, type TtsEventKind } from "./tts-events.ts";
import { ttsIdSchema } from "./tts-id.ts";

const EUI64_PATTERN = /^[0-9A-Fa-f]{16}$/;

const Eui64 = z.string().regex(EUI64_PATTERN, "must be 16 hexadecimal digits (an EUI-64)");
/** RFC 3339 with any sub-second precision (TTS gives nanoseconds). */
const Timestamp = z.iso.datetime({ offset: true });

export const EndDeviceIdsSchema = z.looseObject({
  device_id: ttsIdSchema("device ID"),
  application_ids: z.looseObject({ application_id: ttsIdSchema("application ID") }),
  dev_eui: Eui64.optional(),
  join_eui: Eui64.optional(),
  dev_addr: z
    .string()
    .regex(/^[0-9A-Fa-f]{8}$/, "must be 8 hexadecimal digits")
    .optional(),
});

const LocationSchema = z.looseObject({
  latitude: z.number(),
  longitude: z.number(),
  altitude: z.number().optional(),
  accuracy: z.number().optional(),
  source: z.string().optional(),
});

const RxMetadataSchema = z.looseObject({
  gateway_ids: z.looseObject({ gateway_id: ttsIdSchema("gateway ID"), eui: z.string().optional() }),
  rssi: z.number().optional(),
  channel_rssi: z.number().optional(),
  snr: z.number().optional(),
});

const LoraDataRateSchema = z.looseObject({
  bandwidth: z.number().int().positive().optional(),
  spreading_factor: z.number().int().positive().optional(),
  coding_rate: z.string().optional(),
});

const UplinkMessageSchema = z.looseObject({
  session_key_id: z.string().optional(),
  f_port: z.number().int().optional(),
  f_cnt: z.number().int().nonnegative().optional(),
  frm_payload: z.string().optional(),
  decoded_payload: z.record(z.string(), z.unknown()).optional(),
  rx_metadata: z.array(RxMetadataSchema).optional(),
  settings: z
    .looseObject({
      data_rate: z.looseObject({ lora: LoraDataRateSchema.optional() }).optional(),
      // TTS renders uint64 as a JSON string.
      frequency: z.union([z.string().regex(/^\d+$/), z.number().int()]).optional(),
    })
    .optional(),
  // google.protobuf.Duration in JSON: "0.056576s".
  consumed_airtime: z
    .string()
    .regex(/^\d+(\.\d+)?s$/)
    .optional(),
  locations: z.record(z.string(), LocationSchema).optional(),
  received_at: Timestamp.optional(),
});

const JoinAcceptSchema = z.looseObject({
  session_key_id: z.string().optional(),
  received_at: Timestamp.optional(),
});

const DownlinkSentSchema = z.looseObject({
  session_key_id: z.string().optional(),
  f_cnt: z.number().int().nonnegative().optional(),
});

const LocationSolvedSchema = z.looseObject({
  service: z.string().optional(),
  location: LocationSchema,
});

const AnyObject = z.looseObject({});

const ApplicationUpSchema = z.looseObject({
  end_device_ids: EndDeviceIdsSchema,
  correlation_ids: z.array(z.string()).optional(),
  received_at: Timestamp.optional(),
  uplink_message: UplinkMessageSchema.optional(),
  join_accept: JoinAcceptSchema.optional(),
  downlink_queued: AnyObject.optional(),
  downlink_sent: DownlinkSentSchema.optional(),
  downlink_failed: AnyObject.optional(),
  downlink_ack: AnyObject.optional(),
  downlink_nack: AnyObject.optional(),
  downlink_queue_invalidated: AnyObject.optional(),
  location_solved: LocationSolvedSchema.optional(),
  service_data: AnyObject.optional(),
});

export type ApplicationUp = z.infer<typeof ApplicationUpSchema>;
export type EndDeviceIds = z.infer<typeof EndDeviceIdsSchema>;
export type UplinkMessage = z.infer<typeof UplinkMessageSchema>;
export type Location = z.infer<typeof LocationSchema>;

export interface ParsedTtsMessage {
  readonly kind: TtsEventKind;
  readonly message: ApplicationUp;
}

/** Tells the kind of a TTS message by the one event field it carries (TTS `ApplicationUp` is a oneof). */
export function eventKindOf(message: Record<string, unknown>): TtsEventKind {
  const present = TTS_EVENT_KINDS.filter((kind) => message[TTS_EVENTS[kind].field] !== undefined);
  if (present.length === 0) {
    const known = TTS_EVENT_KINDS.map((kind) => TTS_EVENTS[kind].field).join(", ");
    throw new InvalidTtsMessageError(`not a known TTS event: none of the fields ${known} is present`);
  }
  if (present.length > 1) {
    const fields = present.map((kind) => TTS_EVENTS[kind].field).join(", ");
    throw new InvalidTtsMessageError(`ambiguous TTS event: it carries several event fields (${fields})`);
  }
  return present[0]!;
}

/** Validates an already-decoded JSON value as a TTS `ApplicationUp`. */
export function parseTtsMessage(value: unknown): ParsedTtsMessage {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidTtsMessageError(`a TTS message is a JSON object, got ${describeJsonType(value)}`);
  }
  const result = ApplicationUpSchema.safeParse(value);
  if (!result.success) throw new InvalidTtsMessageError("not a valid TTS message", describeIssues(result.error.issues));
  return { kind: eventKindOf(result.data), message: result.data };
}

/** How many of a message's problems the cause lists: enough to fix it, bounded for logs and feedback. */
const MAX_LISTED_ISSUES = 5;

/** Each issue as `<field path> <message>`; keys are cut by `echoed` (a record key may be 5,000 characters). */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const described = issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `${issue.path.map((key) => echoed(String(key))).join(".") || "(root)"} ${issue.message}`);
  const more = issues.length - MAX_LISTED_ISSUES;
  return more > 0 ? [...described, `and ${more} more`] : described;
}

/**
 * Decodes the raw MQTT payload (UTF-8 JSON, at most AWS IoT's message size and MAX_JSON_DEPTH deep)
 * and validates it. On AWS a bigger message cannot have been published; the check keeps any other
 * path in from carrying one into the workflow.
 */
export function parseTtsPayload(payload: Uint8Array): ParsedTtsMessage {
  const max = IOT_MESSAGE_LIMITS.maxPayloadBytes;
  if (payload.length > max) {
    throw new InvalidTtsMessageError(
      `the message is ${payload.length} bytes; AWS IoT's message size limit is ${max} bytes`,
    );
  }
  const decoded = decodeJsonPayload(payload);
  if (!decoded.ok) throw new InvalidTtsMessageError(`payload is not UTF-8 JSON (${decoded.reason})`);
  return parseTtsMessage(decoded.value);
}

function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
