/** The application's gateways: fixed positions around the site, each with its own concentrator clock. */

import { hex, SIMULATOR_EUI_PREFIX } from "./identity.ts";
import { type EpochNanos, epochMsOf } from "./proto-json.ts";
import { type GeoPoint, offsetPoint } from "./radio.ts";
import type { SeededRandom } from "./seeded-random.ts";
import { ulid } from "./ulid.ts";

export interface SimulatedGateway {
  readonly gatewayId: string;
  readonly eui: string;
  readonly location: GeoPoint;
  /** `gs:conn:<ULID>`: one per gateway connection to the Gateway Server, shared by all its uplinks. */
  readonly connectionCorrelationId: string;
  /** Where this gateway's free-running microsecond counter stood at the Unix epoch. */
  readonly clockOffsetMicros: number;
}

const UINT32_RANGE = 2 ** 32;

/** The concentrator `timestamp`: a free-running uint32 microsecond counter that wraps every ~71 minutes. */
export function concentratorTimestamp(gateway: SimulatedGateway, instant: EpochNanos): number {
  const micros = Number(instant / 1000n);
  return (((gateway.clockOffsetMicros + micros) % UINT32_RANGE) + UINT32_RANGE) % UINT32_RANGE;
}

export function gatewayId(index: number): string {
  return `sim-gateway-${String(index + 1).padStart(2, "0")}`;
}

/** Gateways on a ring around the site centre, so devices anywhere on the site reach one to three of them. */
export function createGateways(options: {
  readonly count: number;
  readonly siteCenter: GeoPoint;
  readonly random: SeededRandom;
  readonly connectedAt: EpochNanos;
}): SimulatedGateway[] {
  const { count, siteCenter, random } = options;
  return Array.from({ length: count }, (_, index) => {
    const bearing = (2 * Math.PI * index) / count + random.between(-0.3, 0.3);
    return {
      gatewayId: gatewayId(index),
      eui: `${SIMULATOR_EUI_PREFIX}FFFE${hex(index, 4)}`,
      location: offsetPoint(siteCenter, random.between(1200, 2400), bearing, Math.round(random.between(15, 45))),
      connectionCorrelationId: `gs:conn:${ulid(epochMsOf(options.connectedAt) - random.int(60_000, 86_400_000), random)}`,
      clockOffsetMicros: random.int(0, UINT32_RANGE - 1),
    };
  });
}
