/**
 * A downlink as TTS's `ApplicationDownlink`: what we put in the device's TTS queue, and what our
 * `failed` feedback shows (for a refused request, its valid part).
 */
import type { DownlinkPriority, DownlinkRequest } from "./request.ts";

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

/** What is known of a downlink: everything for a valid request, the valid fields of a refused one. */
export interface DownlinkParts {
  readonly fPort?: number | undefined;
  readonly frmPayload?: string | undefined;
  readonly decodedPayload?: Record<string, unknown> | undefined;
  readonly confirmed?: boolean | undefined;
  readonly priority?: DownlinkPriority | undefined;
}

/** The `ApplicationDownlink` fields of what is known, in TTS's order; `confirmed` only when true. */
export function ttsDownlinkParts(parts: DownlinkParts): Partial<Omit<TtsApplicationDownlink, "correlation_ids">> {
  return {
    ...(parts.fPort !== undefined ? { f_port: parts.fPort } : {}),
    ...(parts.frmPayload !== undefined ? { frm_payload: parts.frmPayload } : {}),
    ...(parts.decodedPayload !== undefined ? { decoded_payload: parts.decodedPayload } : {}),
    ...(parts.confirmed === true ? { confirmed: true } : {}),
    ...(parts.priority !== undefined ? { priority: parts.priority } : {}),
  };
}

/**
 * A valid request as an `ApplicationDownlink`. `correlation_ids` are `correlationIds` followed by the
 * request's `correlationId` (once), so TTS's own queued/sent/ack/nack/failed events carry it and the
 * application can match them. `priority` is always there: TTS's zero value is LOWEST, not NORMAL.
 */
export function ttsApplicationDownlink(
  request: DownlinkRequest,
  correlationIds: readonly string[],
): TtsApplicationDownlink {
  const { content } = request;
  return {
    f_port: request.fPort,
    ...ttsDownlinkParts({
      ...(content.kind === "bytes" ? { frmPayload: content.frmPayload } : { decodedPayload: content.decodedPayload }),
      confirmed: request.confirmed,
    }),
    priority: request.priority,
    correlation_ids: correlationIdsWith(correlationIds, request.correlationId),
  };
}

/** `ids` followed by the application's own correlation ID, if any and not there already. */
export function correlationIdsWith(ids: readonly string[], correlationId: string | undefined): string[] {
  const all = correlationId !== undefined ? [...ids, correlationId] : [...ids];
  return [...new Set(all)];
}
