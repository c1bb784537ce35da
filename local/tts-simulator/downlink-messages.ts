/**
 * Downlinks as TTS writes them (`ttn.lorawan.v3.ApplicationDownlink`) and the `ApplicationUp`
 * messages of their lifecycle: `downlink_queued`, `downlink_sent`, `downlink_ack`, `downlink_nack`,
 * `downlink_failed`. Pure: times, IDs and correlation IDs come in as arguments.
 */
import { TTS_EVENTS } from "../../functions/core/tts-events.ts";
import { type ApplicationDownlinkRequest, downlinkPayloadBytes, type TxSchedulePriority } from "./downlink-request.ts";
import { type EpochNanos, formatTimestamp, omitZeroValues } from "./proto-json.ts";
import type { EndDeviceIdsJson } from "./tts-messages.ts";

export type ApplicationDownlinkJson = {
  session_key_id?: string;
  f_port: number;
  f_cnt?: number;
  frm_payload: string;
  decoded_payload?: Record<string, unknown>;
  confirmed?: boolean;
  priority?: TxSchedulePriority;
  correlation_ids: string[];
};

/** A downlink in a device's queue, as `GET …/down` lists it. */
export type QueuedDownlink = Readonly<ApplicationDownlinkJson>;

export type TtsErrorJson = {
  namespace: string;
  name: string;
  message_format: string;
  attributes?: Record<string, string | number>;
  correlation_id?: string;
  code: number;
};

type Envelope = {
  end_device_ids: EndDeviceIdsJson;
  correlation_ids: string[];
  received_at: string;
};

export type TtsDownlinkEventJson = Envelope &
  (
    | { downlink_queued: ApplicationDownlinkJson }
    | { downlink_sent: ApplicationDownlinkJson }
    | { downlink_ack: ApplicationDownlinkJson }
    | { downlink_nack: ApplicationDownlinkJson }
    | { downlink_failed: { downlink: ApplicationDownlinkJson; error: TtsErrorJson } }
  );

export type DownlinkEventKind = "downlinkQueued" | "downlinkSent" | "downlinkAck" | "downlinkNack" | "downlinkFailed";

/** `downlink/queued`, … under `thethings/lorawan/<stack>/`. */
export function downlinkEventTopic(kind: DownlinkEventKind): string {
  return TTS_EVENTS[kind].ttsTopic;
}

/**
 * What the Application Server keeps for a pushed downlink: the payload as bytes (a `decoded_payload`
 * is encoded here, as TTS's formatter would at push time) and its own `as:downlink:<ULID>` correlation ID
 * appended to the caller's.
 */
export function queuedDownlink(
  request: ApplicationDownlinkRequest,
  input: { readonly asCorrelationId: string; readonly sessionKeyId?: string | undefined },
): QueuedDownlink {
  return {
    ...(input.sessionKeyId === undefined ? {} : { session_key_id: input.sessionKeyId }),
    f_port: request.f_port,
    frm_payload: downlinkPayloadBytes(request).toString("base64"),
    ...(request.decoded_payload === undefined ? {} : { decoded_payload: request.decoded_payload }),
    ...(request.confirmed === undefined ? {} : { confirmed: request.confirmed }),
    ...(request.priority === undefined ? {} : { priority: request.priority }),
    correlation_ids: [...(request.correlation_ids ?? []), input.asCorrelationId],
  };
}

/** Zero values left out, as TTS does: `confirmed: false`, `f_cnt: 0` and priority LOWEST (the enum's 0). */
export function downlinkJson(downlink: QueuedDownlink): ApplicationDownlinkJson {
  const { priority, ...rest } = omitZeroValues({ ...downlink, correlation_ids: [...downlink.correlation_ids] });
  return priority === undefined || priority === "LOWEST" ? rest : { ...rest, priority };
}

export function frmPayloadLength(downlink: QueuedDownlink): number {
  return Buffer.from(downlink.frm_payload, "base64").length;
}

interface EventInput {
  readonly ids: EndDeviceIdsJson;
  readonly correlationIds: readonly string[];
  readonly receivedAt: EpochNanos;
  readonly downlink: QueuedDownlink;
}

function envelope(input: EventInput): Envelope {
  return {
    end_device_ids: input.ids,
    // Several sources (downlink, uplink) may carry the same ID; TTS lists each once.
    correlation_ids: [...new Set(input.correlationIds)],
    received_at: formatTimestamp(input.receivedAt),
  };
}

export function downlinkEventMessage(
  kind: Exclude<DownlinkEventKind, "downlinkFailed">,
  input: EventInput,
): TtsDownlinkEventJson {
  return { ...envelope(input), [TTS_EVENTS[kind].field]: downlinkJson(input.downlink) } as TtsDownlinkEventJson;
}

export function downlinkFailedMessage(input: EventInput & { readonly error: TtsErrorJson }): TtsDownlinkEventJson {
  return { ...envelope(input), downlink_failed: { downlink: downlinkJson(input.downlink), error: input.error } };
}

/** The Network Server's error for a payload that does not fit the data rate of the receive window. */
export function downlinkTooLongError(correlationId: string): TtsErrorJson {
  return {
    namespace: "pkg/networkserver",
    name: "application_downlink_too_long",
    message_format: "application downlink payload is too long",
    correlation_id: correlationId,
    code: 3,
  };
}
