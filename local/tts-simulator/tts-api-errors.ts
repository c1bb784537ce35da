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
  alreadyExists: { code: 6, status: 409 },
  permissionDenied: { code: 7, status: 403 },
  resourceExhausted: { code: 8, status: 429 },
  unimplemented: { code: 12, status: 405 },
  internal: { code: 13, status: 500 },
  unavailable: { code: 14, status: 503 },
  // grpc-gateway never answers 502; a proxy in front of TTS does. Kept in TTS's shape so clients parse one format.
  badGateway: { code: 14, status: 502 },
  unauthenticated: { code: 16, status: 401 },
} as const;

/** TTS's error attributes are a `google.protobuf.Struct`: lists too (`missing`, `forbidden_paths`). */
export type AttributeValue = string | number | readonly string[];

export interface TtsErrorDetailsJson {
  readonly "@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails";
  readonly namespace: string;
  readonly name: string;
  readonly message_format: string;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
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
  readonly attributes: Readonly<Record<string, AttributeValue>>;

  constructor(init: {
    grpc: { readonly code: number; readonly status: number };
    namespace: string;
    name: string;
    messageFormat: string;
    attributes?: Readonly<Record<string, AttributeValue>>;
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
export function formatMessage(format: string, attributes: Readonly<Record<string, AttributeValue>>): string {
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
  /** lorawan-stack pkg/errors/validation.go: what a message's generated validator fails with. */
  validation: (field: string, reason: string) =>
    new TtsApiError({
      grpc: GRPC.invalidArgument,
      namespace: "pkg/errors",
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
  /** lorawan-stack pkg/auth/rights/require.go: the key has no rights at all for the application. */
  noApplicationRights: (applicationId: string) =>
    new TtsApiError({
      grpc: GRPC.permissionDenied,
      namespace: "pkg/auth/rights",
      name: "no_application_rights",
      messageFormat: "no rights for application `{uid}`",
      attributes: { uid: applicationId },
    }),
  /** lorawan-stack pkg/auth/rights/require.go: the key lacks some of the rights the call needs (`missing`). */
  insufficientApplicationRights: (applicationId: string, missing: readonly string[]) =>
    new TtsApiError({
      grpc: GRPC.permissionDenied,
      namespace: "pkg/auth/rights",
      name: "insufficient_application_rights",
      messageFormat: "insufficient rights for application `{uid}`",
      attributes: { uid: applicationId, missing },
    }),
  /** lorawan-stack pkg/rpcmiddleware/validator/validator.go: a field mask path the RPC does not take. */
  fieldMaskPaths: (forbidden: readonly string[]) =>
    new TtsApiError({
      grpc: GRPC.invalidArgument,
      namespace: "pkg/rpcmiddleware/validator",
      name: "field_mask_paths",
      messageFormat: "forbidden path(s) in field mask",
      attributes: { forbidden_paths: forbidden },
    }),
  /** `errInvalidFieldValue` of the Join, Network and Application Servers: a value the server refuses. */
  fieldValue: (server: "pkg/joinserver" | "pkg/networkserver" | "pkg/applicationserver", field: string) =>
    new TtsApiError({
      grpc: GRPC.invalidArgument,
      namespace: server,
      name: "field_value",
      messageFormat: "invalid value of field `{field}`",
      attributes: { field },
    }),
  /** lorawan-stack pkg/util/store/error.go: the Identity Server has a device with that ID in the application. */
  idTaken: () =>
    new TtsApiError({
      grpc: GRPC.alreadyExists,
      namespace: "pkg/util/store",
      name: "id_taken",
      messageFormat: "ID already taken, choose a different one and try again",
    }),
  /** lorawan-stack pkg/identityserver/end_device_registry.go: the EUIs belong to another registered device. */
  endDeviceEuisTaken: (taken: { joinEui: string; devEui: string; deviceId: string; applicationId: string }) =>
    new TtsApiError({
      grpc: GRPC.alreadyExists,
      namespace: "pkg/identityserver",
      name: "end_device_euis_taken",
      messageFormat:
        "an end device with JoinEUI `{join_eui}` and DevEUI `{dev_eui}` is already registered as `{device_id}` in application `{application_id}`",
      attributes: {
        join_eui: taken.joinEui,
        dev_eui: taken.devEui,
        device_id: taken.deviceId,
        application_id: taken.applicationId,
      },
    }),
  /** lorawan-stack pkg/identityserver/store/errors.go: the Identity Server's get and delete of an unknown device. */
  isEndDeviceNotFound: (applicationId: string, deviceId: string) =>
    new TtsApiError({
      grpc: GRPC.notFound,
      namespace: "pkg/identityserver/store",
      name: "end_device_not_found",
      messageFormat: "end device with id `{device_id}` not found in application with id `{application_id}`",
      attributes: { device_id: deviceId, application_id: applicationId },
    }),
  /** lorawan-stack pkg/joinserver/errors.go and pkg/networkserver/errors.go: get or delete of an unknown device. */
  deviceNotFound: (server: "pkg/joinserver" | "pkg/networkserver") =>
    new TtsApiError({
      grpc: GRPC.notFound,
      namespace: server,
      name: "device_not_found",
      messageFormat: "device not found",
    }),
  /** lorawan-stack pkg/applicationserver/applicationserver.go: the Application Server's delete of an unknown device. */
  asDeviceNotFound: (applicationId: string, deviceId: string) =>
    new TtsApiError({
      grpc: GRPC.notFound,
      namespace: "pkg/applicationserver",
      name: "device_not_found",
      messageFormat: "device `{device_uid}` not found",
      // TTS's unique ID of a device: `<application_id>.<device_id>` (pkg/unique).
      attributes: { device_uid: `${applicationId}.${deviceId}` },
    }),
  /** lorawan-stack pkg/redis/errors.go: a Redis-backed registry's get of an unknown entry (AS devices, pub/subs). */
  entityNotFound: () =>
    new TtsApiError({
      grpc: GRPC.notFound,
      namespace: "pkg/redis",
      name: "not_found",
      messageFormat: "entity not found",
    }),
  /** The simulator's own bound (TTS has none this small): a registry holds at most `maximum` entries. */
  registryFull: (registry: string, maximum: number) =>
    new TtsApiError({
      grpc: GRPC.resourceExhausted,
      namespace: "tts-simulator",
      name: "registry_full",
      messageFormat: "the simulated {registry} holds at most {maximum} entries",
      attributes: { registry, maximum },
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
