/**
 * The `failed` feedback we publish when a downlink does not reach TTS (bad request, unknown thing,
 * TTS refused or unreachable), in the shape of TTS's own `downlink_failed` message, so applications
 * parse one format whoever failed:
 *
 *   {"end_device_ids":…,"correlation_ids":[…],"received_at":…,
 *    "downlink_failed":{"downlink":{…},"error":{"namespace":"tts-aws-iot","name":"<snake_case id>",
 *      "message_format":"<human text>","attributes":{…},"code":<gRPC code>}}}
 *
 * TTS's errors tell themselves apart by `namespace` (`pkg/networkserver`…); ours is `tts-aws-iot`.
 */
import {
  DOWNLINK_ERRORS,
  DOWNLINK_ERROR_NAMESPACE,
  type DownlinkErrorCode,
  type DownlinkRequestErrorCode,
  type GrpcCode,
} from "./downlink-errors.ts";
import { correlationIdsWith } from "./downlink-request.ts";
import { THING_NAME_PATTERN } from "./thing-name.ts";
import { republishTopic } from "./tts-events.ts";
import type { EndDeviceIds } from "./tts-message.ts";

export { DOWNLINK_ERRORS, DOWNLINK_ERROR_CODES, GRPC_CODES, downlinkErrorsMarkdown } from "./downlink-errors.ts";

/** Where applications publish downlink requests. */
export const DOWNLINK_REQUEST_TOPIC = "lorawan/downlink";

/** Where the failures of requests without a valid `thingName` go. */
export const UNADDRESSED_FAILED_TOPIC = "lorawan/downlink/failed";

/** The error as TTS renders it in `downlink_failed.error` (`pkg/errors` JSON). */
export interface TtsErrorDetails {
  namespace: string;
  name: string;
  message_format: string;
  attributes?: Record<string, unknown>;
  correlation_id?: string;
  code: number;
}

export interface DownlinkFailedMessage {
  end_device_ids?: EndDeviceIds;
  correlation_ids: string[];
  received_at: string;
  downlink_failed: {
    downlink: Record<string, unknown>;
    error: TtsErrorDetails;
  };
}

export interface DownlinkFailedInput {
  /** The device, once the thing is resolved; absent for a request that named no usable thing. */
  readonly endDeviceIds?: EndDeviceIds | undefined;
  readonly correlationIds: readonly string[];
  /** RFC 3339 time of the failure. */
  readonly receivedAt: string;
  /** The TTS `ApplicationDownlink` we tried or would have sent (for an invalid request: its valid part). */
  readonly downlink?: Readonly<Record<string, unknown>> | undefined;
  readonly error: {
    readonly name: DownlinkErrorCode;
    readonly messageFormat: string;
    readonly attributes?: Readonly<Record<string, unknown>> | undefined;
    /** gRPC code; defaults to the one of `DOWNLINK_ERRORS[name]` (pass TTS's own for `tts_rejected`). */
    readonly code?: GrpcCode | undefined;
    /** TTS's `error.correlation_id`: an ID of this one occurrence, e.g. the workflow execution's. */
    readonly correlationId?: string | undefined;
  };
}

/** Our `downlink_failed` message. Empty `attributes` are omitted, as TTS omits empty fields. */
export function downlinkFailedMessage(input: DownlinkFailedInput): DownlinkFailedMessage {
  const { error } = input;
  const attributes = error.attributes !== undefined && Object.keys(error.attributes).length > 0
    ? { attributes: { ...error.attributes } }
    : {};
  return {
    ...(input.endDeviceIds !== undefined ? { end_device_ids: input.endDeviceIds } : {}),
    correlation_ids: [...input.correlationIds],
    received_at: input.receivedAt,
    downlink_failed: {
      downlink: { ...input.downlink },
      error: {
        namespace: DOWNLINK_ERROR_NAMESPACE,
        name: error.name,
        message_format: error.messageFormat,
        ...attributes,
        ...(error.correlationId !== undefined ? { correlation_id: error.correlationId } : {}),
        code: error.code ?? DOWNLINK_ERRORS[error.name].grpcCode,
      },
    },
  };
}

/**
 * `lorawan/<thing>/downlink/failed`, or `lorawan/downlink/failed` when there is no thing name or it is
 * not a valid one (it could not be a topic level: `/`, `+`, `#`).
 */
export function feedbackTopic(thingName: string | undefined): string {
  return thingName !== undefined && THING_NAME_PATTERN.test(thingName)
    ? republishTopic(thingName, "downlinkFailed")
    : UNADDRESSED_FAILED_TOPIC;
}

/** A refused request: a `DownlinkRequestError` or its `toJSON()` (as it travels between workflow steps). */
export interface InvalidDownlinkRequestDetails {
  readonly code: DownlinkRequestErrorCode;
  readonly message: string;
  readonly thingName?: string | undefined;
  readonly correlationId?: string | undefined;
  readonly attributes?: Readonly<Record<string, unknown>> | undefined;
  readonly downlink?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The topic and message for a refused request. `correlation_ids` (of the message and of its
 * `downlink`) are `options.correlationIds` followed by the request's valid `correlationId`, if any.
 */
export function invalidRequestFeedback(
  error: InvalidDownlinkRequestDetails,
  options: { readonly correlationIds: readonly string[]; readonly receivedAt: string; readonly errorCorrelationId?: string },
): { topic: string; message: DownlinkFailedMessage } {
  const correlationIds = correlationIdsWith(options.correlationIds, error.correlationId);
  return {
    topic: feedbackTopic(error.thingName),
    message: downlinkFailedMessage({
      correlationIds,
      receivedAt: options.receivedAt,
      downlink: { ...error.downlink, correlation_ids: correlationIds },
      error: {
        name: error.code,
        messageFormat: error.message,
        attributes: error.attributes,
        correlationId: options.errorCorrelationId,
      },
    }),
  };
}
