/**
 * The `state.reported` document of a device's `lorawan` named shadow, computed from one TTS message.
 *
 * Only what a message tells is reported: the shadow service merges it into what is there, so an
 * event that says nothing about radio metrics leaves them as they were. An empty document means
 * "nothing to update" (shadow updates cost money).
 */

import type { TtsEventKind } from "./tts-events.ts";
import type { ApplicationUp, Location, UplinkMessage } from "./tts-message.ts";

/** Our named shadow (the official integration uses the same name). */
export const SHADOW_NAME = "lorawan";

export interface ShadowReport {
  lastSeen?: string;
  devAddr?: string;
  sessionID?: string;
  activated?: string;
  fCntUp?: number;
  fCntDown?: number;
  /**
   * How many distinct gateways heard the last uplink: a number, as the official integration documents
   * (`"gateways": 1`) and as applications migrating from it read it.
   */
  gateways?: number;
  /** Their ids (ours: the official integration has only the count). */
  gatewayIds?: string[];
  rssi?: number;
  snr?: number;
  dataRate?: string;
  spreadingFactor?: number;
  bandwidth?: number;
  frequency?: number;
  airtime?: number;
  location?: Location;
  payload?: Record<string, unknown>;
}

export interface ShadowReportOptions {
  /** Used when the message has no `received_at` of its own (some TTS events omit it). */
  readonly fallbackTime: string;
  /** Copy the uplink's decoded payload into the shadow (off by default: it can be large and personal). */
  readonly includeDecodedPayload?: boolean;
}

export function shadowReportFor(
  kind: TtsEventKind,
  message: ApplicationUp,
  options: ShadowReportOptions,
): ShadowReport {
  const receivedAt = message.received_at ?? options.fallbackTime;
  const devAddr = message.end_device_ids.dev_addr?.toUpperCase();
  const session = devAddr !== undefined ? { devAddr } : {};

  switch (kind) {
    case "uplink":
      return {
        lastSeen: receivedAt,
        ...session,
        ...uplinkReport(message.uplink_message!, options),
      };
    case "join": {
      const join = message.join_accept!;
      return {
        lastSeen: receivedAt,
        ...session,
        ...defined({ sessionID: join.session_key_id }),
        activated: join.received_at ?? receivedAt,
        // A join starts a new session: both frame counters restart at zero.
        fCntUp: 0,
        fCntDown: 0,
      };
    }
    case "downlinkSent":
      return { fCntDown: message.downlink_sent!.f_cnt ?? 0 };
    case "locationSolved":
      return { location: message.location_solved!.location };
    default:
      return {};
  }
}

function uplinkReport(uplink: UplinkMessage, options: ShadowReportOptions): ShadowReport {
  const metadata = uplink.rx_metadata ?? [];
  const gatewayIds = [...new Set(metadata.map((rx) => rx.gateway_ids.gateway_id))];
  const rssi = best(metadata.map((rx) => rx.rssi ?? rx.channel_rssi));
  const snr = best(metadata.map((rx) => rx.snr));
  const lora = uplink.settings?.data_rate?.lora;
  const frequency = uplink.settings?.frequency;

  return defined({
    sessionID: uplink.session_key_id,
    // TTS omits zero values, so a missing f_cnt is frame 0.
    fCntUp: uplink.f_cnt ?? 0,
    gateways: gatewayIds.length,
    gatewayIds,
    rssi,
    snr,
    dataRate:
      lora?.spreading_factor !== undefined && lora.bandwidth !== undefined
        ? `SF${lora.spreading_factor}BW${lora.bandwidth / 1000}`
        : undefined,
    spreadingFactor: lora?.spreading_factor,
    bandwidth: lora?.bandwidth,
    frequency: frequency !== undefined ? Number(frequency) : undefined,
    airtime: uplink.consumed_airtime !== undefined ? Number.parseFloat(uplink.consumed_airtime) : undefined,
    location: firstLocation(uplink.locations),
    payload: options.includeDecodedPayload ? uplink.decoded_payload : undefined,
  });
}

/** The strongest value over the gateways that heard the uplink. */
function best(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}

/** The device's registered (`user`) location wins over ones solved by a service. */
function firstLocation(locations: Record<string, Location> | undefined): Location | undefined {
  if (locations === undefined) return undefined;
  return locations["user"] ?? Object.values(locations)[0];
}

function defined<T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
