/**
 * Every way a downlink can fail on our side, in one table: the stable snake_case id applications see
 * as `downlink_failed.error.name` on `lorawan/<thing>/downlink/failed`, the gRPC code they see as
 * `error.code` (TTS's own convention for `downlink_failed`), whether the workflow retries it, and a
 * description. Validation, feedback and the README's error list all read this table; nothing else
 * spells these ids.
 *
 * The validation entries are listed in the order `parseDownlinkRequest` checks them: when a request
 * has several problems, the one reported is the first of this list.
 */
import { DOWNLINK_LIMITS, type DownlinkRequestField } from "./request.ts";

/** gRPC status codes (`google.golang.org/grpc/codes`), the `code` of a TTS error. */
export const GRPC_CODES = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcCodeName = keyof typeof GRPC_CODES;
export type GrpcCode = (typeof GRPC_CODES)[GrpcCodeName];

/** The `namespace` of the errors we report (TTS uses its Go package, e.g. `pkg/networkserver`). */
export const DOWNLINK_ERROR_NAMESPACE = "tts-aws-iot";

export type DownlinkErrorKind = "validation" | "resolution" | "tts" | "configuration" | "internal";

export interface DownlinkErrorInfo {
  readonly kind: DownlinkErrorKind;
  readonly grpcCode: GrpcCode;
  /** The workflow retries it (with backoff) before reporting it. */
  readonly retryable: boolean;
  /** The request field the error is about, for validation errors on one field. */
  readonly field?: DownlinkRequestField;
  readonly description: string;
}

/** One error of the table, in the spirit of TTS's `errors.Define…(name, message)`. */
function define<const K extends DownlinkErrorKind>(
  kind: K,
  grpcCode: GrpcCodeName,
  description: string,
  options: { readonly retryable?: boolean; readonly field?: DownlinkRequestField } = {},
): DownlinkErrorInfo & { readonly kind: K } {
  const { retryable = false, field } = options;
  return { kind, grpcCode: GRPC_CODES[grpcCode], retryable, ...(field !== undefined ? { field } : {}), description };
}

/** A request we refuse (`INVALID_ARGUMENT`), about one of its fields or the whole of it. */
function invalidRequest(description: string, field?: DownlinkRequestField) {
  return define("validation", "INVALID_ARGUMENT", description, field !== undefined ? { field } : {});
}

const L = DOWNLINK_LIMITS;

export const DOWNLINK_ERRORS = {
  // Validation of the request published on `lorawan/downlink`, in the order of the checks.
  request_too_large: invalidRequest(`The request is larger than ${L.maxRequestBytes} bytes.`),
  invalid_json: invalidRequest("The request is not UTF-8 JSON."),
  invalid_request: invalidRequest("The request is JSON but not an object."),
  unknown_field: invalidRequest(
    "The request has a field we do not know (a typo such as `fport` is refused, never ignored); " +
      "the known fields are thingName, bytes, payload, fPort, confirmed, highPriority, replace, correlationId.",
  ),
  missing_thing_name: invalidRequest("`thingName` is missing.", "thingName"),
  invalid_thing_name: invalidRequest(
    "`thingName` is not an AWS IoT thing name: a string of 1 to 128 characters among `a-z A-Z 0-9 : _ -`.",
    "thingName",
  ),
  missing_payload: invalidRequest("Neither `bytes` nor `payload` is given; give exactly one."),
  ambiguous_payload: invalidRequest("Both `bytes` and `payload` are given; give exactly one."),
  invalid_bytes: invalidRequest(
    "`bytes` is not canonical base64: a string in the standard alphabet, padded with `=`, " +
      "without whitespace, that re-encodes to itself.",
    "bytes",
  ),
  empty_bytes: invalidRequest("`bytes` decodes to no byte at all; a downlink carries 1 to 255 bytes.", "bytes"),
  bytes_too_long: invalidRequest(
    `\`bytes\` decodes to more than ${L.maxFrmPayloadBytes} bytes (the LoRaWAN FRMPayload maximum).`,
    "bytes",
  ),
  invalid_payload: invalidRequest("`payload` is not a JSON object (an array, null or a scalar is refused).", "payload"),
  payload_too_large: invalidRequest(`\`payload\` is larger than ${L.maxPayloadJsonBytes} bytes as JSON.`, "payload"),
  invalid_f_port: invalidRequest(
    `\`fPort\` is not an integer from ${L.minFPort} to ${L.maxFPort} ` +
      "(0 carries MAC commands, 224 is the LoRaWAN test protocol, 225–255 are reserved).",
    "fPort",
  ),
  invalid_confirmed: invalidRequest('`confirmed` is not a JSON boolean (the string "true" is not one).', "confirmed"),
  invalid_high_priority: invalidRequest("`highPriority` is not a JSON boolean.", "highPriority"),
  invalid_replace: invalidRequest("`replace` is not a JSON boolean.", "replace"),
  invalid_correlation_id: invalidRequest(
    `\`correlationId\` is not a string of 1 to ${L.maxCorrelationIdLength} printable ASCII characters.`,
    "correlationId",
  ),

  // After validation.
  thing_not_found: define(
    "resolution",
    "NOT_FOUND",
    "No thing of that name is a LoRaWAN device: it does not exist, or lacks the `deviceID`/`applicationID` " +
      "attributes. (A thing of another deployment's `stackName` gets no feedback from us: that deployment answers.)",
  ),
  tts_api_key_missing: define(
    "configuration",
    "FAILED_PRECONDITION",
    "The deployment has no TTS API key to enqueue downlinks with (secret missing or empty).",
  ),
  tts_unauthorized: define(
    "tts",
    "UNAUTHENTICATED",
    "TTS refused the API key: HTTP 401 (code 16, UNAUTHENTICATED: unknown or expired key) or " +
      "HTTP 403 (code 7, PERMISSION_DENIED: the key lacks the right to write downlinks, or to read " +
      "application traffic, which checking the device's queue needs).",
  ),
  tts_device_not_found: define(
    "tts",
    "NOT_FOUND",
    "TTS does not know the application or the end device the thing points to (HTTP 404).",
  ),
  tts_rejected: define(
    "tts",
    "INVALID_ARGUMENT",
    "TTS refused the downlink (another HTTP 4xx, e.g. the device has no session or the formatter " +
      "failed); the code is TTS's own when it gives one (3 INVALID_ARGUMENT, 9 FAILED_PRECONDITION…).",
  ),
  tts_unavailable: define(
    "tts",
    "UNAVAILABLE",
    "TTS could not be reached, timed out, or answered HTTP 408, 429 or 5xx (but 501), still after the " +
      "retries — and the downlink is known not to be queued: TTS never took a push, or the device's queue " +
      "showed it is not there. Safe to send again.",
    { retryable: true },
  ),
  tts_outcome_unknown: define(
    "tts",
    "UNKNOWN",
    "TTS may have queued the downlink: a push got no clear answer (timeout, reset connection, 5xx) and the " +
      "device's queue could not be read to check. Do not resend blindly: watch `downlink/queued` for the " +
      "correlation id, or resend with the same `correlationId`, which is not pushed while it is queued.",
    { retryable: true },
  ),
  internal_error: define(
    "internal",
    "INTERNAL",
    "An unexpected failure in the downlink workflow (a bug or an AWS failure that outlasted the retries).",
  ),
} as const satisfies Record<string, DownlinkErrorInfo>;

export type DownlinkErrorCode = keyof typeof DOWNLINK_ERRORS;

export const DOWNLINK_ERROR_CODES = Object.keys(DOWNLINK_ERRORS) as DownlinkErrorCode[];

/** The codes `parseDownlinkRequest` can report, in the order it checks them. */
export type DownlinkRequestErrorCode = {
  [K in DownlinkErrorCode]: (typeof DOWNLINK_ERRORS)[K]["kind"] extends "validation" ? K : never;
}[DownlinkErrorCode];

export const DOWNLINK_REQUEST_ERROR_CODES = DOWNLINK_ERROR_CODES.filter(
  (code): code is DownlinkRequestErrorCode => DOWNLINK_ERRORS[code].kind === "validation",
);

/**
 * A downlink request on `lorawan/downlink` we refuse. Not retryable.
 *
 * `thingName` and `correlationId` are set whenever the request carried valid ones, even if the
 * error is about another field, so the feedback reaches `lorawan/<thing>/downlink/failed` and the
 * application can match it. `downlink` is the TTS-shaped part of the request that is valid (fields
 * with invalid values are left out, so the feedback stays parseable as a TTS `ApplicationDownlink`).
 */
export class DownlinkRequestError extends Error {
  override readonly name = "InvalidDownlinkRequest";
  readonly code: DownlinkRequestErrorCode;
  readonly field: string | undefined;
  readonly thingName: string | undefined;
  readonly correlationId: string | undefined;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly downlink: Readonly<Record<string, unknown>>;

  constructor(
    code: DownlinkRequestErrorCode,
    message: string,
    details: {
      readonly field?: string | undefined;
      readonly thingName?: string | undefined;
      readonly correlationId?: string | undefined;
      readonly attributes?: Readonly<Record<string, unknown>> | undefined;
      readonly downlink?: Readonly<Record<string, unknown>> | undefined;
    } = {},
  ) {
    super(message);
    this.code = code;
    this.field = details.field;
    this.thingName = details.thingName;
    this.correlationId = details.correlationId;
    this.attributes = { ...(details.field !== undefined ? { field: details.field } : {}), ...details.attributes };
    this.downlink = details.downlink ?? {};
  }

  /** Plain data, for a step's output (Lambda reports a thrown error as `errorType`/`errorMessage` only). */
  toJSON(): {
    name: "InvalidDownlinkRequest";
    code: DownlinkRequestErrorCode;
    message: string;
    field?: string;
    thingName?: string;
    correlationId?: string;
    attributes: Record<string, unknown>;
    downlink: Record<string, unknown>;
  } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.thingName !== undefined ? { thingName: this.thingName } : {}),
      ...(this.correlationId !== undefined ? { correlationId: this.correlationId } : {}),
      attributes: { ...this.attributes },
      downlink: { ...this.downlink },
    };
  }
}
