/**
 * Validation of the downlink requests applications publish on `lorawan/downlink` (the format is in
 * `request.ts`). Strict: every problem is refused with a stable code (see `DOWNLINK_ERRORS`), never
 * repaired or ignored.
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
 * Steps 2 to 5 are the rows of `VALIDATION_RULES`. A JSON `null` is a value, not an absence: `"fPort": null` is
 * `invalid_f_port`, never the default.
 *
 * The table runs once and whole: the error reported is its first failing row, and the fields that
 * passed tell what a refused request still tells — a valid `thingName` and `correlationId`, so the
 * feedback reaches the thing's topic and can be matched by the application, and the valid part of
 * the downlink.
 */

import { distance } from "fastest-levenshtein";
import { decodeJsonPayload } from "../json-payload.ts";
import { ThingNameSchema } from "../thing-name-schema.ts";
import * as z from "../zod.ts";
import { ttsDownlinkParts } from "./application-downlink.ts";
import { DOWNLINK_ERRORS, DownlinkRequestError, type DownlinkRequestErrorCode } from "./errors.ts";
import {
  CORRELATION_ID_PATTERN,
  DOWNLINK_REQUEST_DEFAULTS,
  DOWNLINK_REQUEST_FIELDS,
  type DownlinkRequest,
  type DownlinkRequestField,
  type DownlinkRequestFieldValues,
  DOWNLINK_LIMITS as LIMITS,
  priorityOf,
} from "./request.ts";

type JsonObject = Record<string, unknown>;

/** What a failing row says (its code is the row's). */
interface Refusal {
  readonly message: string;
  /** The field it is about, when not the one of the code (an unknown field). */
  readonly field?: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** The `field` of a row about the request as a whole. */
const REQUEST = "request";

/**
 * A row of the table. A field's rows run in order while they pass, on a field that is given (so a
 * later row sees only values the earlier ones passed); a `REQUEST` row reads the whole request.
 */
type Rule =
  | {
      readonly field: typeof REQUEST;
      readonly code: DownlinkRequestErrorCode;
      readonly check: (request: JsonObject) => boolean;
      readonly error: (request: JsonObject) => Refusal;
    }
  | {
      readonly field: DownlinkRequestField;
      readonly code: DownlinkRequestErrorCode;
      readonly check: (value: unknown) => boolean;
      readonly error: (value: unknown) => Refusal;
    };

/** Canonical base64: zod's check (standard alphabet, padded) and a round trip (no stray bits). */
const Base64Schema = z.base64().check(z.refine((text) => Buffer.from(text, "base64").toString("base64") === text));
const FPortSchema = z.number().check(z.int(), z.minimum(LIMITS.minFPort), z.maximum(LIMITS.maxFPort));
const CorrelationIdSchema = z.string().check(z.regex(CORRELATION_ID_PATTERN));

/** Every check of a request object, in the order of `DOWNLINK_REQUEST_ERROR_CODES`. */
export const VALIDATION_RULES: readonly Rule[] = [
  {
    field: REQUEST,
    code: "unknown_field",
    check: (request) => unknownFieldsOf(request).length === 0,
    error: unknownFieldRefusal,
  },
  {
    field: REQUEST,
    code: "missing_thing_name",
    check: (request) => Object.hasOwn(request, "thingName"),
    error: () => refusal("thingName is required"),
  },
  {
    field: "thingName",
    code: "invalid_thing_name",
    check: passes(ThingNameSchema),
    error: (value) =>
      refusal(
        `thingName must be an AWS IoT thing name (1 to 128 characters among a-z A-Z 0-9 : _ -), got ${describe(value)}`,
      ),
  },
  {
    field: REQUEST,
    code: "missing_payload",
    check: (request) => Object.hasOwn(request, "bytes") || Object.hasOwn(request, "payload"),
    error: () =>
      refusal("one of bytes (the base64 FRMPayload) or payload (a JSON object for the downlink formatter) is required"),
  },
  {
    field: REQUEST,
    code: "ambiguous_payload",
    check: (request) => !(Object.hasOwn(request, "bytes") && Object.hasOwn(request, "payload")),
    error: () => refusal("bytes and payload are both given; give exactly one of them"),
  },
  {
    field: "bytes",
    code: "invalid_bytes",
    check: passes(Base64Schema),
    error: (value) =>
      refusal(
        `bytes must be canonical base64 (standard alphabet, padded with "=", no whitespace), got ${describe(value)}`,
      ),
  },
  {
    field: "bytes",
    code: "empty_bytes",
    check: (base64) => decodedLength(base64) > 0,
    error: () =>
      refusal(`bytes decodes to 0 bytes; a downlink carries 1 to ${LIMITS.maxFrmPayloadBytes}`, {
        length: 0,
        min: 1,
      }),
  },
  {
    field: "bytes",
    code: "bytes_too_long",
    check: (base64) => decodedLength(base64) <= LIMITS.maxFrmPayloadBytes,
    error: (base64) => {
      const length = decodedLength(base64);
      return refusal(`bytes decodes to ${length} bytes; the limit is ${LIMITS.maxFrmPayloadBytes}`, {
        length,
        limit: LIMITS.maxFrmPayloadBytes,
      });
    },
  },
  {
    field: "payload",
    code: "invalid_payload",
    check: isJsonObject,
    error: (value) => refusal(`payload must be a JSON object, got ${describe(value)}`),
  },
  {
    field: "payload",
    code: "payload_too_large",
    check: (payload) => jsonLength(payload) <= LIMITS.maxPayloadJsonBytes,
    error: (payload) => {
      const length = jsonLength(payload);
      return refusal(`payload is ${length} bytes as JSON; the limit is ${LIMITS.maxPayloadJsonBytes}`, {
        length,
        limit: LIMITS.maxPayloadJsonBytes,
      });
    },
  },
  {
    field: "fPort",
    code: "invalid_f_port",
    check: passes(FPortSchema),
    error: (value) =>
      refusal(
        `fPort must be an integer from ${LIMITS.minFPort} to ${LIMITS.maxFPort} ` +
          `(0 carries MAC commands, 224 is the LoRaWAN test protocol, 225 to 255 are reserved), got ${describe(value)}`,
        { min: LIMITS.minFPort, max: LIMITS.maxFPort },
      ),
  },
  flagRule("confirmed", "invalid_confirmed"),
  flagRule("highPriority", "invalid_high_priority"),
  flagRule("replace", "invalid_replace"),
  {
    field: "correlationId",
    code: "invalid_correlation_id",
    check: passes(CorrelationIdSchema),
    error: (value) =>
      refusal(
        `correlationId must be a string of 1 to ${LIMITS.maxCorrelationIdLength} printable ASCII characters, got ${describe(value)}`,
        { max_length: LIMITS.maxCorrelationIdLength },
      ),
  },
];

/** The values of the fields that passed their rows: given ones as sent, absent optional ones defaulted. */
type ValidFields = Partial<DownlinkRequestFieldValues>;

/** The valid fields of a request every row passed. */
type AcceptedFields = Omit<DownlinkRequestFieldValues, "bytes" | "payload" | "correlationId"> & {
  readonly correlationId?: string;
} & (Pick<DownlinkRequestFieldValues, "bytes"> | Pick<DownlinkRequestFieldValues, "payload">);

type CodedRefusal = Refusal & { readonly code: DownlinkRequestErrorCode };

/** Runs every row once: the first failing one's refusal, and the valid fields. */
function runRules(request: JsonObject): { refusal: CodedRefusal | undefined; valid: ValidFields } {
  let first: CodedRefusal | undefined;
  const failed = new Set<DownlinkRequestField>();
  for (const rule of VALIDATION_RULES) {
    if (rule.field === REQUEST) {
      if (!rule.check(request)) first ??= { code: rule.code, ...rule.error(request) };
      continue;
    }
    if (failed.has(rule.field) || !Object.hasOwn(request, rule.field)) continue;
    const value = request[rule.field];
    if (rule.check(value)) continue;
    failed.add(rule.field);
    first ??= { code: rule.code, ...rule.error(value) };
  }
  const valid: Record<string, unknown> = { ...DOWNLINK_REQUEST_DEFAULTS };
  for (const field of DOWNLINK_REQUEST_FIELDS) {
    if (failed.has(field)) delete valid[field];
    else if (Object.hasOwn(request, field)) valid[field] = request[field];
  }
  // Each value passed its field's rows, which check its type.
  return { refusal: first, valid: valid as ValidFields };
}

/** Decodes the raw MQTT payload (UTF-8 JSON) and validates it. Throws `DownlinkRequestError`. */
export function parseDownlinkRequest(payload: Uint8Array): DownlinkRequest {
  if (payload.length > LIMITS.maxRequestBytes) {
    // Still tell which thing it was for, if it says so: IoT Core caps messages at 128 KiB, cheap to parse.
    const decoded = decodeJsonPayload(payload);
    const known: ValidFields = decoded.ok && isJsonObject(decoded.value) ? runRules(decoded.value).valid : {};
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
  const { refusal, valid } = runRules(value);
  if (refusal !== undefined) {
    throw new DownlinkRequestError(refusal.code, refusal.message, {
      field: refusal.field ?? DOWNLINK_ERRORS[refusal.code].field,
      thingName: valid.thingName,
      correlationId: valid.correlationId,
      attributes: refusal.attributes,
      downlink: ttsDownlinkParts({
        fPort: valid.fPort,
        frmPayload: valid.bytes,
        decodedPayload: valid.payload,
        confirmed: valid.confirmed,
        priority: valid.highPriority !== undefined ? priorityOf(valid.highPriority) : undefined,
      }),
    });
  }
  // Every row passed: thingName and exactly one content are there, and the options have their defaults.
  const fields = valid as AcceptedFields;
  return {
    thingName: fields.thingName,
    content:
      "bytes" in fields
        ? { kind: "bytes", frmPayload: fields.bytes }
        : { kind: "payload", decodedPayload: fields.payload },
    fPort: fields.fPort,
    confirmed: fields.confirmed,
    priority: priorityOf(fields.highPriority),
    replace: fields.replace,
    ...(fields.correlationId !== undefined ? { correlationId: fields.correlationId } : {}),
  };
}

// --- Rows ------------------------------------------------------------------------------------------

function refusal(message: string, attributes?: Record<string, unknown>): Refusal {
  return { message, ...(attributes !== undefined ? { attributes } : {}) };
}

function passes(schema: z.ZodMiniType): (value: unknown) => boolean {
  return (value) => schema.safeParse(value).success;
}

function flagRule(field: "confirmed" | "highPriority" | "replace", code: DownlinkRequestErrorCode): Rule {
  return {
    field,
    code,
    check: (value) => typeof value === "boolean",
    error: (value) => refusal(`${field} must be true or false, got ${describe(value)}`),
  };
}

function unknownFieldRefusal(request: JsonObject): Refusal {
  const unknownFields = unknownFieldsOf(request);
  const [unknownField = ""] = unknownFields; // the row fails only when there is one
  const suggestion = suggestField(unknownField);
  return {
    message:
      `unknown field ${quote(unknownField)}` +
      (suggestion !== undefined ? ` (did you mean "${suggestion}"?)` : "") +
      `; the fields are ${DOWNLINK_REQUEST_FIELDS.join(", ")}`,
    field: unknownField,
    attributes: { ...(suggestion !== undefined ? { suggestion } : {}), unknown_fields: unknownFields },
  };
}

/** Bytes of a `bytes` value the rows before have found canonical base64. */
function decodedLength(base64: unknown): number {
  return Buffer.from(base64 as string, "base64").length;
}

function jsonLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

// --- Helpers ---------------------------------------------------------------------------------------

const REQUEST_FIELDS: ReadonlySet<string> = new Set(DOWNLINK_REQUEST_FIELDS);

function unknownFieldsOf(request: JsonObject): string[] {
  return Object.keys(request).filter((key) => !REQUEST_FIELDS.has(key));
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The known field an unknown one was probably meant to be: same letters up to case, `_` and `-`, or 2 edits. */
export function suggestField(field: string): DownlinkRequestField | undefined {
  const squash = (text: string) => text.toLowerCase().replace(/[_-]/g, "");
  const target = squash(field);
  let best: { field: DownlinkRequestField; distance: number } | undefined;
  for (const known of DOWNLINK_REQUEST_FIELDS) {
    const edits = distance(target, squash(known));
    if (edits <= 2 && (best === undefined || edits < best.distance)) {
      best = { field: known, distance: edits };
    }
  }
  return best?.field;
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
