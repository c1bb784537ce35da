/**
 * Validation of the downlink requests applications publish on `lorawan/downlink`, and the TTS
 * downlink queue call they become.
 *
 *   {"thingName":"0004A30B001C0530","bytes":"AQ==" | "payload":{…},"fPort":10,"confirmed":true,
 *    "highPriority":true,"replace":false,"correlationId":"order-42"}
 *
 * Compatible with TTS's AWS IoT default integration (thingName, bytes | payload, fPort, confirmed,
 * highPriority); `replace` and `correlationId` are ours. Strict: every problem is refused with a
 * stable code (see `DOWNLINK_ERRORS`), never repaired or ignored.
 *
 * Order of the checks (the first failing one is reported), chosen so the report points at the cause:
 *  1. size (`request_too_large`), UTF-8 JSON (`invalid_json`), an object (`invalid_request`);
 *  2. unknown fields (`unknown_field`), before anything else in the object: a misspelt field
 *     (`fport`, `byte`, `thingname`) is the cause of what would otherwise look like a missing or
 *     defaulted one, and the message suggests the right spelling;
 *  3. `thingName` (missing, then invalid);
 *  4. the content: `bytes`/`payload` presence (missing, ambiguous), then the one given
 *     (`bytes`: invalid, empty, too long; `payload`: invalid, too large);
 *  5. the options in the order of the request format: `fPort`, `confirmed`, `highPriority`,
 *     `replace`, `correlationId`.
 * A JSON `null` is a value, not an absence: `"fPort": null` is `invalid_f_port`, never the default.
 * Whatever the reported error, a valid `thingName` and `correlationId` are carried by the error so
 * the feedback reaches the thing's topic and can be matched by the application.
 */
import { z } from "zod";
import {
  DOWNLINK_LIMITS as LIMITS,
  DownlinkRequestError,
  type DownlinkRequestErrorCode,
} from "./downlink-errors.ts";
import { decodeJsonPayload } from "./json-payload.ts";
import { THING_NAME_PATTERN } from "./thing-name.ts";

export { DOWNLINK_ERRORS, DOWNLINK_REQUEST_ERROR_CODES, DownlinkRequestError } from "./downlink-errors.ts";

/** The fields of a request, in the order of the checks. */
export const DOWNLINK_REQUEST_FIELDS = [
  "thingName",
  "bytes",
  "payload",
  "fPort",
  "confirmed",
  "highPriority",
  "replace",
  "correlationId",
] as const;

export type DownlinkRequestField = (typeof DOWNLINK_REQUEST_FIELDS)[number];

export const DEFAULT_F_PORT = 1;

/** The TTS priorities we use (TTS has LOWEST … HIGHEST; LOWEST is its zero value, so we always send one). */
export type DownlinkPriority = "HIGH" | "NORMAL";

export type DownlinkContent =
  /** `frmPayload`: canonical base64 of 1–255 bytes. */
  | { readonly kind: "bytes"; readonly frmPayload: string }
  /** `decodedPayload`: the input of the device's downlink formatter in TTS. */
  | { readonly kind: "payload"; readonly decodedPayload: Record<string, unknown> };

/** A validated request with its defaults applied. Plain JSON data (it travels between workflow steps). */
export interface DownlinkRequest {
  readonly thingName: string;
  readonly content: DownlinkContent;
  readonly fPort: number;
  readonly confirmed: boolean;
  readonly priority: DownlinkPriority;
  /** Use TTS `down/replace` (replace the device's queue) instead of `down/push` (append to it). */
  readonly replace: boolean;
  readonly correlationId?: string;
}

/**
 * The shape of a `DownlinkRequest` as it travels between workflow steps: checked (a wiring bug must
 * not reach TTS), not validated again.
 */
export const DownlinkRequestShapeSchema = z.custom<DownlinkRequest>(
  (value) =>
    z
      .looseObject({
        thingName: z.string(),
        content: z.union([
          z.object({ kind: z.literal("bytes"), frmPayload: z.string() }),
          z.object({ kind: z.literal("payload"), decodedPayload: z.record(z.string(), z.unknown()) }),
        ]),
        fPort: z.number().int(),
        confirmed: z.boolean(),
        priority: z.enum(["HIGH", "NORMAL"]),
        replace: z.boolean(),
      })
      .safeParse(value).success,
  "is not a validated downlink request",
);

// One schema per field; each failure maps to the field's own code.
const ThingNameSchema = z.string().regex(THING_NAME_PATTERN);
/** Canonical base64: zod's check (standard alphabet, padded) and a round trip (no stray bits). */
const Base64Schema = z.base64().refine((text) => Buffer.from(text, "base64").toString("base64") === text);
const PayloadSchema = z.record(z.string(), z.unknown());
const FPortSchema = z.number().int().min(LIMITS.minFPort).max(LIMITS.maxFPort);
const FlagSchema = z.boolean();
const CorrelationIdSchema = z
  .string()
  .regex(new RegExp(`^[\\x20-\\x7e]{1,${LIMITS.maxCorrelationIdLength}}$`));

/** Decodes the raw MQTT payload (UTF-8 JSON) and validates it. Throws `DownlinkRequestError`. */
export function parseDownlinkRequest(payload: Uint8Array): DownlinkRequest {
  if (payload.length > LIMITS.maxRequestBytes) {
    // Still tell which thing it was for, if it says so: IoT Core caps messages at 128 KiB, cheap to parse.
    const decoded = decodeJsonPayload(payload);
    const known = salvage(decoded.ok ? decoded.value : undefined);
    throw new DownlinkRequestError(
      "request_too_large",
      `the request is ${payload.length} bytes; the limit is ${LIMITS.maxRequestBytes}`,
      {
        thingName: known.thingName,
        correlationId: known.correlationId,
        attributes: { length: payload.length, limit: LIMITS.maxRequestBytes },
      },
    );
  }
  const decoded = decodeJsonPayload(payload);
  if (!decoded.ok) throw new DownlinkRequestError("invalid_json", `the request is not UTF-8 JSON (${decoded.reason})`);
  return parseDownlinkRequestValue(decoded.value);
}

/** Validates an already-decoded JSON value (no size check: that is on the raw bytes). */
export function parseDownlinkRequestValue(value: unknown): DownlinkRequest {
  if (!isJsonObject(value)) {
    throw new DownlinkRequestError("invalid_request", `the request must be a JSON object, got ${describe(value)}`);
  }
  const known = salvage(value);
  const fail = (
    code: DownlinkRequestErrorCode,
    message: string,
    field?: DownlinkRequestField | string,
    attributes?: Record<string, unknown>,
  ): DownlinkRequestError =>
    new DownlinkRequestError(code, message, {
      field,
      thingName: known.thingName,
      correlationId: known.correlationId,
      attributes,
      downlink: known.downlink,
    });
  const has = (field: DownlinkRequestField): boolean => Object.hasOwn(value, field);

  const unknownFields = Object.keys(value).filter((key) => !isRequestField(key));
  const unknownField = unknownFields[0];
  if (unknownField !== undefined) {
    const suggestion = suggestField(unknownField);
    throw fail(
      "unknown_field",
      `unknown field ${quote(unknownField)}` +
        (suggestion !== undefined ? ` (did you mean "${suggestion}"?)` : "") +
        `; the fields are ${DOWNLINK_REQUEST_FIELDS.join(", ")}`,
      unknownField,
      { ...(suggestion !== undefined ? { suggestion } : {}), unknown_fields: unknownFields },
    );
  }

  if (!has("thingName")) {
    throw fail("missing_thing_name", "thingName is required", "thingName");
  }
  const thingName = ThingNameSchema.safeParse(value.thingName);
  if (!thingName.success) {
    throw fail(
      "invalid_thing_name",
      `thingName must be an AWS IoT thing name (1 to 128 characters among a-z A-Z 0-9 : _ -), got ${describe(value.thingName)}`,
      "thingName",
    );
  }

  const content = parseContent(value, has, fail);

  const fPort = has("fPort") ? FPortSchema.safeParse(value.fPort) : { success: true as const, data: DEFAULT_F_PORT };
  if (!fPort.success) {
    throw fail(
      "invalid_f_port",
      `fPort must be an integer from ${LIMITS.minFPort} to ${LIMITS.maxFPort} ` +
        `(0 carries MAC commands, 224 is the LoRaWAN test protocol, 225 to 255 are reserved), got ${describe(value.fPort)}`,
      "fPort",
      { min: LIMITS.minFPort, max: LIMITS.maxFPort },
    );
  }
  const flag = (field: "confirmed" | "highPriority" | "replace", code: DownlinkRequestErrorCode): boolean => {
    if (!has(field)) return false;
    const result = FlagSchema.safeParse(value[field]);
    if (!result.success) {
      throw fail(code, `${field} must be true or false, got ${describe(value[field])}`, field);
    }
    return result.data;
  };
  const confirmed = flag("confirmed", "invalid_confirmed");
  const highPriority = flag("highPriority", "invalid_high_priority");
  const replace = flag("replace", "invalid_replace");

  let correlationId: string | undefined;
  if (has("correlationId")) {
    const result = CorrelationIdSchema.safeParse(value.correlationId);
    if (!result.success) {
      throw fail(
        "invalid_correlation_id",
        `correlationId must be a string of 1 to ${LIMITS.maxCorrelationIdLength} printable ASCII characters, got ${describe(value.correlationId)}`,
        "correlationId",
        { max_length: LIMITS.maxCorrelationIdLength },
      );
    }
    correlationId = result.data;
  }

  return {
    thingName: thingName.data,
    content,
    fPort: fPort.data,
    confirmed,
    priority: highPriority ? "HIGH" : "NORMAL",
    replace,
    ...(correlationId !== undefined ? { correlationId } : {}),
  };
}

function parseContent(
  value: Record<string, unknown>,
  has: (field: DownlinkRequestField) => boolean,
  fail: (
    code: DownlinkRequestErrorCode,
    message: string,
    field?: string,
    attributes?: Record<string, unknown>,
  ) => DownlinkRequestError,
): DownlinkContent {
  if (!has("bytes") && !has("payload")) {
    throw fail(
      "missing_payload",
      "one of bytes (the base64 FRMPayload) or payload (a JSON object for the downlink formatter) is required",
    );
  }
  if (has("bytes") && has("payload")) {
    throw fail("ambiguous_payload", "bytes and payload are both given; give exactly one of them");
  }
  if (has("bytes")) {
    const checked = checkBytes(value.bytes);
    switch (checked.kind) {
      case "ok":
        return { kind: "bytes", frmPayload: checked.frmPayload };
      case "invalid":
        throw fail(
          "invalid_bytes",
          `bytes must be canonical base64 (standard alphabet, padded with "=", no whitespace), got ${describe(value.bytes)}`,
          "bytes",
        );
      case "empty":
        throw fail(
          "empty_bytes",
          `bytes decodes to 0 bytes; a downlink carries 1 to ${LIMITS.maxFrmPayloadBytes}`,
          "bytes",
          { length: 0, min: 1 },
        );
      case "too_long":
        throw fail(
          "bytes_too_long",
          `bytes decodes to ${checked.length} bytes; the limit is ${LIMITS.maxFrmPayloadBytes}`,
          "bytes",
          { length: checked.length, limit: LIMITS.maxFrmPayloadBytes },
        );
    }
  }
  const checked = checkPayload(value.payload);
  switch (checked.kind) {
    case "ok":
      return { kind: "payload", decodedPayload: checked.decodedPayload };
    case "invalid":
      throw fail("invalid_payload", `payload must be a JSON object, got ${describe(value.payload)}`, "payload");
    case "too_large":
      throw fail(
        "payload_too_large",
        `payload is ${checked.length} bytes as JSON; the limit is ${LIMITS.maxPayloadJsonBytes}`,
        "payload",
        { length: checked.length, limit: LIMITS.maxPayloadJsonBytes },
      );
  }
}

type BytesCheck =
  | { kind: "ok"; frmPayload: string }
  | { kind: "invalid" }
  | { kind: "empty" }
  | { kind: "too_long"; length: number };

function checkBytes(value: unknown): BytesCheck {
  const result = Base64Schema.safeParse(value);
  if (!result.success) return { kind: "invalid" };
  const length = Buffer.from(result.data, "base64").length;
  if (length === 0) return { kind: "empty" };
  if (length > LIMITS.maxFrmPayloadBytes) return { kind: "too_long", length };
  return { kind: "ok", frmPayload: result.data };
}

type PayloadCheck =
  | { kind: "ok"; decodedPayload: Record<string, unknown> }
  | { kind: "invalid" }
  | { kind: "too_large"; length: number };

function checkPayload(value: unknown): PayloadCheck {
  const result = PayloadSchema.safeParse(value);
  if (!result.success || !isJsonObject(value)) return { kind: "invalid" };
  const length = Buffer.byteLength(JSON.stringify(value), "utf8");
  if (length > LIMITS.maxPayloadJsonBytes) return { kind: "too_large", length };
  // The value itself, not zod's copy: key order and nested values exactly as the application sent them.
  return { kind: "ok", decodedPayload: value };
}

/**
 * What a request tells even when it is invalid: a valid thing name and correlation ID, and the
 * TTS-shaped downlink it would have become, made of its valid fields and the defaults for absent ones
 * (a field with an invalid value is left out).
 */
function salvage(value: unknown): {
  thingName: string | undefined;
  correlationId: string | undefined;
  downlink: Record<string, unknown>;
} {
  if (!isJsonObject(value)) return { thingName: undefined, correlationId: undefined, downlink: {} };
  const thingName = ThingNameSchema.safeParse(value.thingName);
  const correlationId = CorrelationIdSchema.safeParse(value.correlationId);
  const downlink: Record<string, unknown> = {};
  const fPort = Object.hasOwn(value, "fPort") ? FPortSchema.safeParse(value.fPort) : { success: true as const, data: DEFAULT_F_PORT };
  if (fPort.success) downlink.f_port = fPort.data;
  const bytes = checkBytes(value.bytes);
  if (bytes.kind === "ok") downlink.frm_payload = bytes.frmPayload;
  const payload = checkPayload(value.payload);
  if (payload.kind === "ok") downlink.decoded_payload = payload.decodedPayload;
  if (value.confirmed === true) downlink.confirmed = true;
  if (!Object.hasOwn(value, "highPriority") || typeof value.highPriority === "boolean") {
    downlink.priority = value.highPriority === true ? "HIGH" : "NORMAL";
  }
  return {
    thingName: thingName.success ? thingName.data : undefined,
    correlationId: correlationId.success ? correlationId.data : undefined,
    downlink,
  };
}

// --- The TTS downlink queue call -------------------------------------------------------------------

/**
 * A TTS `ApplicationDownlink` as we send it (and as our failed feedback shows it). A type, not an
 * interface, so it is assignable to `Record<string, unknown>` (the feedback's `downlink`).
 */
export type TtsApplicationDownlink = {
  f_port: number;
  frm_payload?: string;
  decoded_payload?: Record<string, unknown>;
  /** Present only when true: TTS renders its JSON without zero values, and we show the same shape. */
  confirmed?: boolean;
  priority: DownlinkPriority;
  correlation_ids: string[];
};

/** The body of `POST /api/v3/as/applications/{app}/devices/{dev}/down/push|replace`. */
export interface TtsDownlinkQueueRequest {
  downlinks: [TtsApplicationDownlink];
}

/**
 * The body of the TTS downlink queue call for a request.
 *
 * `correlation_ids` are `options.correlationIds` followed by the request's `correlationId` (once), so
 * TTS's own queued/sent/ack/nack/failed events carry it and the application can match them.
 * `confirmed` is omitted when false, the way TTS renders an `ApplicationDownlink` (TTS accepts both);
 * `priority` is always sent: TTS's zero value is LOWEST, not NORMAL.
 */
export function ttsDownlinkQueueRequest(
  request: DownlinkRequest,
  options: { readonly correlationIds: readonly string[] },
): TtsDownlinkQueueRequest {
  const content =
    request.content.kind === "bytes"
      ? { frm_payload: request.content.frmPayload }
      : { decoded_payload: request.content.decodedPayload };
  return {
    downlinks: [
      {
        f_port: request.fPort,
        ...content,
        ...(request.confirmed ? { confirmed: true } : {}),
        priority: request.priority,
        correlation_ids: correlationIdsWith(options.correlationIds, request.correlationId),
      },
    ],
  };
}

/** `ids` followed by the application's own correlation ID, if any and not there already. */
export function correlationIdsWith(ids: readonly string[], correlationId: string | undefined): string[] {
  const all = correlationId !== undefined ? [...ids, correlationId] : [...ids];
  return [...new Set(all)];
}

/** The path of the TTS downlink queue call (segments URL-encoded), relative to the TTS base URL. */
export function ttsQueuePath(applicationId: string, deviceId: string, replace: boolean): string {
  const app = encodeURIComponent(applicationId);
  const dev = encodeURIComponent(deviceId);
  return `/api/v3/as/applications/${app}/devices/${dev}/down/${replace ? "replace" : "push"}`;
}

// --- Helpers ---------------------------------------------------------------------------------------

const REQUEST_FIELDS: ReadonlySet<string> = new Set(DOWNLINK_REQUEST_FIELDS);

function isRequestField(key: string): key is DownlinkRequestField {
  return REQUEST_FIELDS.has(key);
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The known field an unknown one was probably meant to be: same letters up to case, `_` and `-`, or 2 edits. */
export function suggestField(field: string): DownlinkRequestField | undefined {
  const squash = (text: string) => text.toLowerCase().replace(/[_-]/g, "");
  const target = squash(field);
  let best: { field: DownlinkRequestField; distance: number } | undefined;
  for (const known of DOWNLINK_REQUEST_FIELDS) {
    const distance = editDistance(target, squash(known));
    if (distance <= 2 && (best === undefined || distance < best.distance)) {
      best = { field: known, distance };
    }
  }
  return best?.field;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

const PREVIEW_LENGTH = 40;

function quote(text: string): string {
  const shown = text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}…` : text;
  return JSON.stringify(shown);
}

/** A short description of a JSON value for a message: never the whole value (it may be large). */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return `the string ${quote(value)}`;
    case "number":
      return `the number ${value}`;
    case "boolean":
      return `the boolean ${value}`;
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}
