/**
 * Errors of the simulated TTS HTTP API, in TTS's REST error shape
 * (https://www.thethingsindustries.com/docs/api/concepts/errors):
 * `{"code":<gRPC>,"message":"error:<namespace>:<name> (<formatted>)","details":[{"@type":…ErrorDetails,…}]}`.
 */

/** gRPC status codes TTS puts in `code`, and the HTTP statuses grpc-gateway maps them to. */
export const GRPC = {
  invalidArgument: { code: 3, status: 400 },
  deadlineExceeded: { code: 4, status: 504 },
  notFound: { code: 5, status: 404 },
  resourceExhausted: { code: 8, status: 429 },
  unimplemented: { code: 12, status: 405 },
  internal: { code: 13, status: 500 },
  unavailable: { code: 14, status: 503 },
  // grpc-gateway never answers 502; a proxy in front of TTS does. Kept in TTS's shape so clients parse one format.
  badGateway: { code: 14, status: 502 },
  unauthenticated: { code: 16, status: 401 },
} as const;

export interface TtsErrorDetailsJson {
  readonly "@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails";
  readonly namespace: string;
  readonly name: string;
  readonly message_format: string;
  readonly attributes?: Readonly<Record<string, string | number>>;
  readonly correlation_id: string;
  readonly code: number;
}

export interface TtsErrorBodyJson {
  readonly code: number;
  readonly message: string;
  readonly details: readonly TtsErrorDetailsJson[];
}

/** An error the API answers with; `name` stays the class name, `errorName` is TTS's snake_case id. */
export class TtsApiError extends Error {
  override readonly name = "TtsApiError";
  readonly status: number;
  readonly code: number;
  readonly namespace: string;
  readonly errorName: string;
  readonly messageFormat: string;
  readonly attributes: Readonly<Record<string, string | number>>;

  constructor(init: {
    grpc: { readonly code: number; readonly status: number };
    namespace: string;
    name: string;
    messageFormat: string;
    attributes?: Readonly<Record<string, string | number>>;
  }) {
    const attributes = init.attributes ?? {};
    super(`error:${init.namespace}:${init.name} (${formatMessage(init.messageFormat, attributes)})`);
    this.status = init.grpc.status;
    this.code = init.grpc.code;
    this.namespace = init.namespace;
    this.errorName = init.name;
    this.messageFormat = init.messageFormat;
    this.attributes = attributes;
  }
}

/** TTS message formats name their attributes in braces: "no rights for user `{uid}`". */
export function formatMessage(format: string, attributes: Readonly<Record<string, string | number>>): string {
  return format.replace(/\{(\w+)\}/g, (whole, key: string) => (key in attributes ? String(attributes[key]) : whole));
}

export function ttsErrorBody(error: TtsApiError, correlationId: string): TtsErrorBodyJson {
  return {
    code: error.code,
    message: error.message,
    details: [
      {
        "@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails",
        namespace: error.namespace,
        name: error.errorName,
        message_format: error.messageFormat,
        ...(Object.keys(error.attributes).length > 0 ? { attributes: error.attributes } : {}),
        correlation_id: correlationId,
        code: error.code,
      },
    ],
  };
}

export const ttsErrors = {
  unauthenticated: () =>
    new TtsApiError({
      grpc: GRPC.unauthenticated,
      namespace: "pkg/auth",
      name: "unauthenticated",
      messageFormat: "unauthenticated",
    }),
  apiKeyNotFound: () =>
    new TtsApiError({
      grpc: GRPC.unauthenticated,
      namespace: "pkg/identityserver",
      name: "api_key_not_found",
      messageFormat: "API key not found",
    }),
  applicationNotFound: (applicationId: string) =>
    new TtsApiError({
      grpc: GRPC.notFound,
      namespace: "pkg/identityserver/store",
      name: "application_not_found",
      messageFormat: "application `{application_uid}` not found",
      attributes: { application_uid: applicationId },
    }),
  endDeviceNotFound: (applicationId: string, deviceId: string) =>
    new TtsApiError({
      grpc: GRPC.notFound,
      namespace: "pkg/identityserver/store",
      name: "end_device_not_found",
      messageFormat: "end device `{end_device_uid}` not found",
      // TTS's unique ID of a device: `<device_id>.<application_id>`.
      attributes: { end_device_uid: `${deviceId}.${applicationId}` },
    }),
  validation: (field: string, reason: string) =>
    new TtsApiError({
      grpc: GRPC.invalidArgument,
      namespace: "pkg/ttnpb",
      name: "validation",
      messageFormat: "invalid `{field}`: {reason}",
      attributes: { field, reason },
    }),
  routeNotFound: (path: string) =>
    new TtsApiError({
      grpc: GRPC.notFound,
      namespace: "pkg/web",
      name: "route_not_found",
      messageFormat: "route `{path}` not found",
      attributes: { path },
    }),
  methodNotAllowed: (method: string, path: string) =>
    new TtsApiError({
      grpc: GRPC.unimplemented,
      namespace: "pkg/web",
      name: "method_not_allowed",
      messageFormat: "method `{method}` not allowed on `{path}`",
      attributes: { method, path },
    }),
  /** lorawan-stack pkg/networkserver/grpc_asns.go: `errDownlinkQueueCapacity`, ResourceExhausted (HTTP 429). */
  downlinkQueueCapacity: () =>
    new TtsApiError({
      grpc: GRPC.resourceExhausted,
      namespace: "pkg/networkserver",
      name: "downlink_queue_capacity",
      messageFormat: "downlink queue capacity exceeded",
    }),
  /**
   * lorawan-stack pkg/webmiddleware/max_body.go: `errRequestBodyTooLarge`, InvalidArgument (HTTP 400;
   * TTS notes it would rather answer 413 but cannot express one), with the bound in `maximum`.
   */
  requestBodyTooLarge: (maximum: number) =>
    new TtsApiError({
      grpc: GRPC.invalidArgument,
      namespace: "pkg/webmiddleware",
      name: "request_body_too_large",
      messageFormat: "request body too large",
      attributes: { maximum },
    }),
  rateLimited: () =>
    new TtsApiError({
      grpc: GRPC.resourceExhausted,
      namespace: "pkg/ratelimit",
      name: "rate_limit_exceeded",
      messageFormat: "rate limit exceeded",
    }),
  unavailable: () =>
    new TtsApiError({
      grpc: GRPC.unavailable,
      namespace: "pkg/applicationserver",
      name: "unavailable",
      messageFormat: "service unavailable",
    }),
  badGateway: () =>
    new TtsApiError({
      grpc: GRPC.badGateway,
      namespace: "pkg/web",
      name: "bad_gateway",
      messageFormat: "bad gateway",
    }),
  deadlineExceeded: () =>
    new TtsApiError({
      grpc: GRPC.deadlineExceeded,
      namespace: "pkg/applicationserver",
      name: "deadline_exceeded",
      messageFormat: "deadline exceeded",
    }),
  internal: (reason: string) =>
    new TtsApiError({
      grpc: GRPC.internal,
      namespace: "pkg/applicationserver",
      name: "internal",
      messageFormat: "internal error: {reason}",
      attributes: { reason },
    }),
};

/** The port of the simulated TTS API is taken; names the option that moves it. */
