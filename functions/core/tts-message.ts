/**
 * Parsing and validation of TTS `ApplicationUp` JSON (TTS v3 data format, zero fields omitted).
 *
 * The schema checks only what we read; everything else passes through untouched so the republished
 * message stays the TTS message.
 */

import { IOT_MESSAGE_LIMITS } from "./aws-limits.ts";
import { InvalidTtsMessageError } from "./errors.ts";
import { decodeJsonPayload, echoed } from "./json-payload.ts";
import { TTS_EVENT_KINDS, TTS_EVENTS, type TtsEventKind } from "./tts-events.ts";
import { ttsIdSchema } from "./tts-id.ts";
import * as z from "./zod.ts";

const EUI64_PATTERN = /^[0-9A-Fa-f]{16}$/;

const Eui64 = z.string().check(z.regex(EUI64_PATTERN, "must be 16 hexadecimal digits (an EUI-64)"));
/** RFC 3339 with any sub-second precision (TTS gives nanoseconds). */
const Timestamp = z.iso.datetime({ offset: true });

export const EndDeviceIdsSchema = z.looseObject({
  device_id: ttsIdSchema("device ID"),
  application_ids: z.looseObject({ application_id: ttsIdSchema("application ID") }),
  dev_eui: z.optional(Eui64),
  join_eui: z.optional(Eui64),
  dev_addr: z.optional(z.string().check(z.regex(/^[0-9A-Fa-f]{8}$/, "must be 8 hexadecimal digits"))),
});

const LocationSchema = z.looseObject({
  latitude: z.number(),
  longitude: z.number(),
  altitude: z.optional(z.number()),
  accuracy: z.optional(z.number()),
  source: z.optional(z.string()),
});

const RxMetadataSchema = z.looseObject({
  gateway_ids: z.looseObject({ gateway_id: ttsIdSchema("gateway ID"), eui: z.optional(z.string()) }),
  rssi: z.optional(z.number()),
  channel_rssi: z.optional(z.number()),
  snr: z.optional(z.number()),
});

const LoraDataRateSchema = z.looseObject({
  bandwidth: z.optional(z.number().check(z.int(), z.positive())),
  spreading_factor: z.optional(z.number().check(z.int(), z.positive())),
  coding_rate: z.optional(z.string()),
});

const UplinkMessageSchema = z.looseObject({
  session_key_id: z.optional(z.string()),
  f_port: z.optional(z.number().check(z.int())),
  f_cnt: z.optional(z.number().check(z.int(), z.nonnegative())),
  frm_payload: z.optional(z.string()),
  decoded_payload: z.optional(z.record(z.string(), z.unknown())),
  rx_metadata: z.optional(z.array(RxMetadataSchema)),
  settings: z.optional(
    z.looseObject({
      data_rate: z.optional(z.looseObject({ lora: z.optional(LoraDataRateSchema) })),
      // TTS renders uint64 as a JSON string.
      frequency: z.optional(z.union([z.string().check(z.regex(/^\d+$/)), z.number().check(z.int())])),
    }),
  ),
  // google.protobuf.Duration in JSON: "0.056576s".
  consumed_airtime: z.optional(z.string().check(z.regex(/^\d+(\.\d+)?s$/))),
  locations: z.optional(z.record(z.string(), LocationSchema)),
  received_at: z.optional(Timestamp),
});

const JoinAcceptSchema = z.looseObject({
  session_key_id: z.optional(z.string()),
  received_at: z.optional(Timestamp),
});

const DownlinkSentSchema = z.looseObject({
  session_key_id: z.optional(z.string()),
  f_cnt: z.optional(z.number().check(z.int(), z.nonnegative())),
});

const LocationSolvedSchema = z.looseObject({
  service: z.optional(z.string()),
  location: LocationSchema,
});

const AnyObject = z.looseObject({});

const ApplicationUpSchema = z.looseObject({
  end_device_ids: EndDeviceIdsSchema,
  correlation_ids: z.optional(z.array(z.string())),
  received_at: z.optional(Timestamp),
  uplink_message: z.optional(UplinkMessageSchema),
  join_accept: z.optional(JoinAcceptSchema),
  downlink_queued: z.optional(AnyObject),
  downlink_sent: z.optional(DownlinkSentSchema),
  downlink_failed: z.optional(AnyObject),
  downlink_ack: z.optional(AnyObject),
  downlink_nack: z.optional(AnyObject),
  downlink_queue_invalidated: z.optional(AnyObject),
  location_solved: z.optional(LocationSolvedSchema),
  service_data: z.optional(AnyObject),
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
