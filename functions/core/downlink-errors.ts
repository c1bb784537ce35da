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

/** `GRPC_CODES` reversed: 3 → `INVALID_ARGUMENT`. */
export const GRPC_CODE_NAMES = Object.fromEntries(
  Object.entries(GRPC_CODES).map(([name, code]) => [code, name]),
) as Record<GrpcCode, GrpcCodeName>;

/** The `namespace` of the errors we report (TTS uses its Go package, e.g. `pkg/networkserver`). */
export const DOWNLINK_ERROR_NAMESPACE = "tts-aws-iot";

/** Limits of a downlink request on `lorawan/downlink`. */
export const DOWNLINK_LIMITS = {
  /** The whole MQTT payload, in bytes. */
  maxRequestBytes: 8192,
  /** `payload`, serialized as JSON (UTF-8), in bytes: the input of TTS's downlink formatter. */
  maxPayloadJsonBytes: 4096,
  /** `bytes`, decoded: LoRaWAN's FRMPayload maximum (TTS rejects more; the data rate may allow less). */
  maxFrmPayloadBytes: 255,
  /** `fPort`: 0 carries MAC commands, 224 is the LoRaWAN test protocol, 225–255 are reserved. */
  minFPort: 1,
  maxFPort: 223,
  /** `correlationId`: printable ASCII; TTS accepts correlation IDs of at most 100 characters. */
  maxCorrelationIdLength: 100,
} as const;

export type DownlinkErrorKind = "validation" | "resolution" | "tts" | "configuration" | "internal";

export interface DownlinkErrorInfo {
  readonly kind: DownlinkErrorKind;
  readonly grpcCode: GrpcCode;
  /** The workflow retries it (with backoff) before reporting it. */
  readonly retryable: boolean;
  /** The request field the error is about, for validation errors on one field. */
  readonly field?: string;
  readonly description: string;
}

const L = DOWNLINK_LIMITS;
const INVALID = GRPC_CODES.INVALID_ARGUMENT;

export const DOWNLINK_ERRORS = {
  // Validation of the request published on `lorawan/downlink`, in the order of the checks.
  request_too_large: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    description: `The request is larger than ${L.maxRequestBytes} bytes.`,
  },
  invalid_json: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    description: "The request is not UTF-8 JSON.",
  },
  invalid_request: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    description: "The request is JSON but not an object.",
  },
  unknown_field: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    description:
      "The request has a field we do not know (a typo such as `fport` is refused, never ignored); " +
      "the known fields are thingName, bytes, payload, fPort, confirmed, highPriority, replace, correlationId.",
  },
  missing_thing_name: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "thingName",
    description: "`thingName` is missing.",
  },
  invalid_thing_name: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "thingName",
    description: "`thingName` is not an AWS IoT thing name: a string of 1 to 128 characters among `a-z A-Z 0-9 : _ -`.",
  },
  missing_payload: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    description: "Neither `bytes` nor `payload` is given; give exactly one.",
  },
  ambiguous_payload: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    description: "Both `bytes` and `payload` are given; give exactly one.",
  },
  invalid_bytes: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "bytes",
    description:
      "`bytes` is not canonical base64: a string in the standard alphabet, padded with `=`, " +
      "without whitespace, that re-encodes to itself.",
  },
  empty_bytes: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "bytes",
    description: "`bytes` decodes to no byte at all; a downlink carries 1 to 255 bytes.",
  },
  bytes_too_long: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "bytes",
    description: `\`bytes\` decodes to more than ${L.maxFrmPayloadBytes} bytes (the LoRaWAN FRMPayload maximum).`,
  },
  invalid_payload: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "payload",
    description: "`payload` is not a JSON object (an array, null or a scalar is refused).",
  },
  payload_too_large: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "payload",
    description: `\`payload\` is larger than ${L.maxPayloadJsonBytes} bytes as JSON.`,
  },
  invalid_f_port: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "fPort",
    description:
      `\`fPort\` is not an integer from ${L.minFPort} to ${L.maxFPort} ` +
      "(0 carries MAC commands, 224 is the LoRaWAN test protocol, 225–255 are reserved).",
  },
  invalid_confirmed: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "confirmed",
    description: '`confirmed` is not a JSON boolean (the string "true" is not one).',
  },
  invalid_high_priority: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "highPriority",
    description: "`highPriority` is not a JSON boolean.",
  },
  invalid_replace: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "replace",
    description: "`replace` is not a JSON boolean.",
  },
  invalid_correlation_id: {
    kind: "validation",
    grpcCode: INVALID,
    retryable: false,
    field: "correlationId",
    description: `\`correlationId\` is not a string of 1 to ${L.maxCorrelationIdLength} printable ASCII characters.`,
  },

  // After validation.
  thing_not_found: {
    kind: "resolution",
    grpcCode: GRPC_CODES.NOT_FOUND,
    retryable: false,
    description:
      "No thing of that name is a LoRaWAN device: it does not exist, or lacks the `deviceID`/`applicationID` " +
      "attributes. (A thing of another deployment's `stackName` gets no feedback from us: that deployment answers.)",
  },
  tts_api_key_missing: {
    kind: "configuration",
    grpcCode: GRPC_CODES.FAILED_PRECONDITION,
    retryable: false,
    description: "The deployment has no TTS API key to enqueue downlinks with (secret missing or empty).",
  },
  tts_unauthorized: {
    kind: "tts",
    grpcCode: GRPC_CODES.UNAUTHENTICATED,
    retryable: false,
    description:
      "TTS refused the API key: HTTP 401 (code 16, UNAUTHENTICATED: unknown or expired key) or " +
      "HTTP 403 (code 7, PERMISSION_DENIED: the key lacks the right to write downlinks).",
  },
  tts_device_not_found: {
    kind: "tts",
    grpcCode: GRPC_CODES.NOT_FOUND,
    retryable: false,
    description: "TTS does not know the application or the end device the thing points to (HTTP 404).",
  },
  tts_rejected: {
    kind: "tts",
    grpcCode: INVALID,
    retryable: false,
    description:
      "TTS refused the downlink (another HTTP 4xx, e.g. the device has no session or the formatter " +
      "failed); the code is TTS's own when it gives one (3 INVALID_ARGUMENT, 9 FAILED_PRECONDITION…).",
  },
  tts_unavailable: {
    kind: "tts",
    grpcCode: GRPC_CODES.UNAVAILABLE,
    retryable: true,
    description:
      "TTS could not be reached, timed out, or answered HTTP 408, 429 or 5xx (but 501), still after the retries.",
  },
  internal_error: {
    kind: "internal",
    grpcCode: GRPC_CODES.INTERNAL,
    retryable: false,
    description: "An unexpected failure in the downlink workflow (a bug or an AWS failure that outlasted the retries).",
  },
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
      readonly attributes?: Readonly<Record<string, unknown>>;
      readonly downlink?: Readonly<Record<string, unknown>>;
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

/** What went wrong with a TTS downlink queue call, from its HTTP status (and TTS's own gRPC code, if any). */
export interface TtsFailure {
  readonly name: "tts_unauthorized" | "tts_device_not_found" | "tts_rejected" | "tts_unavailable";
  readonly code: GrpcCode;
  readonly retryable: boolean;
}

/**
 * Classifies a non-2xx answer of the TTS downlink queue API. TTS error bodies carry their gRPC code
 * (`{"code":3,"message":…,"details":[…]}`); without one, the code is inferred from the status the way
 * TTS maps them (`pkg/errors/http.go`: 400 ← INVALID_ARGUMENT / FAILED_PRECONDITION / OUT_OF_RANGE,
 * 409 ← ALREADY_EXISTS / ABORTED…).
 */
export function ttsFailureFor(httpStatus: number, ttsGrpcCode?: number): TtsFailure {
  const given = isGrpcCode(ttsGrpcCode) && ttsGrpcCode !== GRPC_CODES.OK ? ttsGrpcCode : undefined;
  if (httpStatus === 401) {
    return { name: "tts_unauthorized", code: GRPC_CODES.UNAUTHENTICATED, retryable: false };
  }
  if (httpStatus === 403) {
    return { name: "tts_unauthorized", code: GRPC_CODES.PERMISSION_DENIED, retryable: false };
  }
  if (httpStatus === 404) {
    return { name: "tts_device_not_found", code: GRPC_CODES.NOT_FOUND, retryable: false };
  }
  if (httpStatus === 408 || httpStatus === 429 || (httpStatus >= 500 && httpStatus !== 501)) {
    return { name: "tts_unavailable", code: GRPC_CODES.UNAVAILABLE, retryable: true };
  }
  const inferred =
    httpStatus === 409 ? GRPC_CODES.ALREADY_EXISTS : httpStatus === 501 ? GRPC_CODES.UNIMPLEMENTED : INVALID;
  return { name: "tts_rejected", code: given ?? inferred, retryable: false };
}

function isGrpcCode(value: unknown): value is GrpcCode {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 16;
}

/** The error list as a Markdown table, for the README (a test keeps the README in step with it). */
export function downlinkErrorsMarkdown(): string {
  const rows = DOWNLINK_ERROR_CODES.map((code) => {
    const info: DownlinkErrorInfo = DOWNLINK_ERRORS[code];
    const grpc = `${info.grpcCode} ${GRPC_CODE_NAMES[info.grpcCode]}`;
    return `| \`${code}\` | ${grpc} | ${info.retryable ? "yes" : "no"} | ${info.description} |`;
  });
  return ["| `error.name` | `error.code` (gRPC) | retried | meaning |", "|---|---|---|---|", ...rows].join("\n");
}
