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
import { correlationIdsWith, ttsDownlinkQueueRequest, type DownlinkRequest } from "./downlink-request.ts";
import type { StepFailure } from "./downlink-steps.ts";
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

export interface FailureFeedbackInput {
  /** What stopped the downlink, as the workflow's steps describe it. */
  readonly failure: StepFailure;
  /** The validated request; null when validation refused it (or never ran). */
  readonly request: DownlinkRequest | null;
  /** The resolved thing's attributes (`deviceID`, `applicationID`, `devEUI`), once known. */
  readonly thingAttributes?: Readonly<Record<string, string>> | undefined;
  /** Ours for this request; the application's `correlationId` is added. */
  readonly correlationIds: readonly string[];
  readonly receivedAt: string;
  /** TTS's `error.correlation_id`: an ID of this one occurrence, e.g. the workflow execution's. */
  readonly errorCorrelationId?: string | undefined;
}

/**
 * The topic and message that tell an application its downlink will not happen: the thing's
 * `downlink/failed` when the request named a valid thing, else `lorawan/downlink/failed`.
 */
export function failureFeedback(input: FailureFeedbackInput): { topic: string; message: DownlinkFailedMessage } {
  const { failure, request } = input;
  const correlationIds = correlationIdsWith(input.correlationIds, request?.correlationId ?? failure.correlationId);
  const downlink =
    request !== null
      ? ttsDownlinkQueueRequest(request, { correlationIds }).downlinks[0]
      : { ...failure.downlink, correlation_ids: correlationIds };
  return {
    topic: feedbackTopic(request?.thingName ?? failure.thingName),
    message: downlinkFailedMessage({
      endDeviceIds: endDeviceIdsOf(input.thingAttributes),
      correlationIds,
      receivedAt: input.receivedAt,
      downlink: downlink as unknown as Record<string, unknown>,
      error: {
        name: failure.code,
        messageFormat: failure.message,
        attributes: failure.attributes,
        code: failure.grpcCode as GrpcCode | undefined,
        correlationId: input.errorCorrelationId,
      },
    }),
  };
}

/** The TTS identifiers our things carry as attributes. */
function endDeviceIdsOf(attributes: Readonly<Record<string, string>> | undefined): EndDeviceIds | undefined {
  const deviceId = attributes?.["deviceID"];
  const applicationId = attributes?.["applicationID"];
  if (deviceId === undefined || applicationId === undefined) return undefined;
  const devEui = attributes?.["devEUI"];
  return { device_id: deviceId, application_ids: { application_id: applicationId }, ...(devEui ? { dev_eui: devEui } : {}) };
}
