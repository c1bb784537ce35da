/**
 * The downlink requests applications publish on `lorawan/downlink`, as a format:
 *
 *   {"thingName":"0004A30B001C0530","bytes":"AQ==" | "payload":{…},"fPort":10,"confirmed":true,
 *    "highPriority":true,"replace":false,"correlationId":"order-42"}
 *
 * Compatible with TTS's AWS IoT default integration (thingName, bytes | payload, fPort, confirmed,
 * highPriority); `replace` and `correlationId` are ours. Validated by `validation.ts`.
 */
import * as z from "../zod.ts";

/** Where applications publish downlink requests. */
export const DOWNLINK_REQUEST_TOPIC = "lorawan/downlink";

/** The fields of a request, in the order of the checks. */
export const DOWNLINK_REQUEST_FIELDS = [
  "thingName",
  "bytes",
  "payload",
  "fPort",
  "confirmed",
  "highPriority",
  "replace",
  "correlationId",
] as const;

export type DownlinkRequestField = (typeof DOWNLINK_REQUEST_FIELDS)[number];

/** The type of each field's valid value. */
export interface DownlinkRequestFieldValues {
  readonly thingName: string;
  /** Canonical base64 of 1–255 bytes. */
  readonly bytes: string;
  readonly payload: Record<string, unknown>;
  readonly fPort: number;
  readonly confirmed: boolean;
  readonly highPriority: boolean;
  readonly replace: boolean;
  readonly correlationId: string;
}

/** The value of an absent optional field. */
export const DOWNLINK_REQUEST_DEFAULTS = {
  fPort: 1,
  confirmed: false,
  highPriority: false,
  replace: false,
} as const satisfies Partial<DownlinkRequestFieldValues>;

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

/** `correlationId`: printable ASCII, 1 to `maxCorrelationIdLength` characters. */
export const CORRELATION_ID_PATTERN = new RegExp(`^[\\x20-\\x7e]{1,${DOWNLINK_LIMITS.maxCorrelationIdLength}}$`);

/** The TTS priorities we use (TTS has LOWEST … HIGHEST; LOWEST is its zero value, so we always send one). */
export type DownlinkPriority = "HIGH" | "NORMAL";

export function priorityOf(highPriority: boolean): DownlinkPriority {
  return highPriority ? "HIGH" : "NORMAL";
}

export type DownlinkContent =
  /** `frmPayload`: canonical base64 of 1–255 bytes. */
  | { readonly kind: "bytes"; readonly frmPayload: string }
  /** `decodedPayload`: the input of the device's downlink formatter in TTS. */
  | { readonly kind: "payload"; readonly decodedPayload: Record<string, unknown> };

/** A validated request with its defaults applied. Plain JSON data (it travels between workflow steps). */
export interface DownlinkRequest {
  readonly thingName: string;
  readonly content: DownlinkContent;
  readonly fPort: number;
  readonly confirmed: boolean;
  readonly priority: DownlinkPriority;
  /** Use TTS `down/replace` (replace the device's queue) instead of `down/push` (append to it). */
  readonly replace: boolean;
  readonly correlationId?: string;
}

/**
 * The shape of a `DownlinkRequest` as it travels between workflow steps: checked (a wiring bug must
 * not reach TTS), not validated again.
 */
export const DownlinkRequestShapeSchema = z.custom<DownlinkRequest>(
  (value) =>
    z
      .looseObject({
        thingName: z.string(),
        content: z.union([
          z.object({ kind: z.literal("bytes"), frmPayload: z.string() }),
          z.object({ kind: z.literal("payload"), decodedPayload: z.record(z.string(), z.unknown()) }),
        ]),
        fPort: z.number().check(z.int()),
        confirmed: z.boolean(),
        priority: z.enum(["HIGH", "NORMAL"]),
        replace: z.boolean(),
      })
      .safeParse(value).success,
  "is not a validated downlink request",
);
