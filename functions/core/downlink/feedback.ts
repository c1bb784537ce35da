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
 * One failure type (`StepFailure`) for the steps and the feedback: `failureOf` reads whatever stopped
 * the workflow as one, `failureFeedback` makes the message of it.
 */

import { CaughtErrorSchema } from "../caught-error.ts";
import { causeMessage } from "../error-cause.ts";
import { THING_NAME_PATTERN } from "../thing-name.ts";
import { republishTopic } from "../tts-events.ts";
import type { EndDeviceIds } from "../tts-message.ts";
import { correlationIdsWith, ttsApplicationDownlink } from "./application-downlink.ts";
import { DOWNLINK_ERROR_NAMESPACE, DOWNLINK_ERRORS, type DownlinkErrorCode, type GrpcCode } from "./errors.ts";
import type { DownlinkRequest } from "./request.ts";
import { type StepFailure, StepFailureSchema } from "./steps.ts";

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
  const attributes =
    error.attributes !== undefined && Object.keys(error.attributes).length > 0
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

/** Error names the workflow raises or meets (Lambda errorTypes and SDK-integration errors). */
export const WORKFLOW_ERROR_CODES: Readonly<Record<string, DownlinkErrorCode>> = {
  TtsUnavailable: "tts_unavailable",
  "Iot.ResourceNotFoundException": "thing_not_found",
};

/**
 * Whatever stopped a downlink — a failure a step diagnosed, or an error a Catch caught — as one of
 * our error codes with a human message, for the `failed` feedback and the execution's end.
 */
export function failureOf(failed: unknown, thingName: string | undefined): StepFailure {
  const diagnosed = StepFailureSchema.safeParse(failed);
  if (diagnosed.success && diagnosed.data.code in DOWNLINK_ERRORS) return diagnosed.data as StepFailure;

  const caught = CaughtErrorSchema.safeParse(failed);
  if (!caught.success) {
    return {
      code: "internal_error",
      message: `the workflow reported an unreadable failure: ${JSON.stringify(failed)}`,
    };
  }
  const { Error: name, Cause: cause } = caught.data;
  const detail = causeMessage(cause);
  const code = WORKFLOW_ERROR_CODES[name] ?? "internal_error";
  switch (code) {
    case "thing_not_found":
      return { code, message: `no thing named "${thingName ?? "?"}" exists`, ...(thingName ? { thingName } : {}) };
    case "tts_unavailable":
      return { code, message: `${detail} (still failing after the retries)` };
    default:
      return { code, message: `${name}: ${detail}` };
  }
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
      ? ttsApplicationDownlink(request, correlationIds)
      : { ...failure.downlink, correlation_ids: correlationIds };
  return {
    topic: feedbackTopic(request?.thingName ?? failure.thingName),
    message: downlinkFailedMessage({
      endDeviceIds: endDeviceIdsOf(input.thingAttributes),
      correlationIds,
      receivedAt: input.receivedAt,
      downlink,
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
  return {
    device_id: deviceId,
    application_ids: { application_id: applicationId },
    ...(devEui ? { dev_eui: devEui } : {}),
  };
}
