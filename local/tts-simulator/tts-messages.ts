/**
 * TTS v3 `ApplicationUp` JSON for joins and uplinks, shaped like `test/fixtures/tts/` (what TTS
 * publishes to AWS IoT): same field names and nesting, uint64 as strings, zero values omitted.
 * Pure: every value comes in as an argument.
 */
import { EU868_BAND_ID } from "./eu868.ts";
import { type EpochNanos, formatDuration, formatTimestamp, omitZeroValues } from "./proto-json.ts";
import type { GeoPoint } from "./radio.ts";
import type { SeededRandom } from "./seeded-random.ts";
import { ulid } from "./ulid.ts";

export interface EndDeviceIdentity {
  readonly deviceId: string;
  readonly applicationId: string;
  readonly devEui: string;
  readonly joinEui: string;
  readonly devAddr?: string;
}

export type EndDeviceIdsJson = {
  device_id: string;
  application_ids: { application_id: string };
  dev_eui: string;
  join_eui: string;
  dev_addr?: string;
};

export type VersionIdsJson = {
  brand_id: string;
  model_id: string;
  hardware_version: string;
  firmware_version: string;
  band_id: string;
};

export type NetworkIdsJson = {
  net_id: string;
  tenant_id: string;
  cluster_id: string;
};

export type RxMetadataJson = {
  gateway_ids: { gateway_id: string; eui: string };
  time: string;
  timestamp?: number;
  rssi: number;
  channel_rssi: number;
  snr?: number;
  uplink_token: string;
  channel_index?: number;
};

export type UplinkMessageJson = {
  session_key_id: string;
  f_port: number;
  f_cnt?: number;
  frm_payload: string;
  decoded_payload: Record<string, unknown>;
  rx_metadata: RxMetadataJson[];
  settings: {
    data_rate: { lora: { bandwidth: number; spreading_factor: number } };
    coding_rate: string;
    frequency: string;
    timestamp?: number;
    time: string;
  };
  consumed_airtime: string;
  locations: { user: { latitude: number; longitude: number; altitude?: number; source: string } };
  version_ids: VersionIdsJson;
  network_ids: NetworkIdsJson;
  attributes?: Record<string, string>;
  received_at: string;
};

export type JoinAcceptJson = {
  session_key_id: string;
  received_at: string;
  attributes?: Record<string, string>;
};

type ApplicationUpEnvelope = {
  end_device_ids: EndDeviceIdsJson;
  correlation_ids: string[];
  received_at: string;
};

export type TtsUplinkJson = ApplicationUpEnvelope & {
  uplink_message: UplinkMessageJson;
};

export type TtsJoinAcceptJson = ApplicationUpEnvelope & {
  join_accept: JoinAcceptJson;
};

export type TtsApplicationUpJson = TtsUplinkJson | TtsJoinAcceptJson;

export const SIMULATED_VERSION_IDS: VersionIdsJson = {
  brand_id: "tts-aws-iot",
  model_id: "sim-climate-sensor",
  hardware_version: "1.0",
  firmware_version: "1.0.0",
  band_id: EU868_BAND_ID,
};

export function endDeviceIdsJson(ids: EndDeviceIdentity): EndDeviceIdsJson {
  return {
    device_id: ids.deviceId,
    application_ids: { application_id: ids.applicationId },
    dev_eui: ids.devEui,
    join_eui: ids.joinEui,
    ...(ids.devAddr === undefined ? {} : { dev_addr: ids.devAddr }),
  };
}

/** The path of one uplink through TTS: AS, the gateway's connection, GS, NS and the GS→NS RPC. */
export function uplinkCorrelationIds(
  gatewayConnectionId: string,
  gatewayTime: EpochNanos,
  receivedAt: EpochNanos,
  random: SeededRandom,
): string[] {
  const gatewayMs = Number(gatewayTime / 1_000_000n);
  return [
    `as:up:${ulid(Number(receivedAt / 1_000_000n), random)}`,
    gatewayConnectionId,
    `gs:uplink:${ulid(gatewayMs, random)}`,
    `ns:uplink:${ulid(gatewayMs, random)}`,
    `rpc:/ttn.lorawan.v3.GsNs/HandleUplink:${ulid(gatewayMs, random)}`,
  ];
}

export function joinAcceptMessage(input: {
  readonly ids: EndDeviceIdentity;
  readonly correlationIds: string[];
  readonly sessionKeyId: string;
  /** When the Join Server accepted the join. */
  readonly acceptedAt: EpochNanos;
  /** When the Application Server forwarded it. */
  readonly receivedAt: EpochNanos;
  readonly attributes: Record<string, string>;
}): TtsJoinAcceptJson {
  return omitZeroValues({
    end_device_ids: endDeviceIdsJson(input.ids),
    correlation_ids: input.correlationIds,
    received_at: formatTimestamp(input.receivedAt),
    join_accept: {
      session_key_id: input.sessionKeyId,
      received_at: formatTimestamp(input.acceptedAt),
      attributes: input.attributes,
    },
  });
}

export interface GatewayReception {
  readonly gatewayId: string;
  readonly gatewayEui: string;
  readonly concentratorTimestamp: number;
  readonly rssi: number;
  readonly snr: number;
  readonly uplinkToken: string;
}

export function uplinkMessage(input: {
  readonly ids: EndDeviceIdentity;
  readonly correlationIds: string[];
  readonly sessionKeyId: string;
  readonly fPort: number;
  readonly fCnt: number;
  readonly frmPayload: Uint8Array;
  readonly decodedPayload: Record<string, unknown>;
  readonly receptions: readonly GatewayReception[];
  readonly spreadingFactor: number;
  readonly bandwidthHz: number;
  readonly codingRate: string;
  readonly frequencyHz: number;
  readonly channelIndex: number;
  readonly airtimeNanos: number;
  readonly location: GeoPoint;
  readonly versionIds: VersionIdsJson;
  readonly networkIds: NetworkIdsJson;
  readonly attributes: Record<string, string>;
  /** GPS time of reception at the gateways (millisecond precision, like the fixtures). */
  readonly gatewayTime: EpochNanos;
  /** When the Network Server handled the uplink. */
  readonly networkReceivedAt: EpochNanos;
  /** When the Application Server forwarded it. */
  readonly receivedAt: EpochNanos;
}): TtsUplinkJson {
  const gatewayTime = formatTimestamp(input.gatewayTime);
  const first = input.receptions[0];
  if (first === undefined) throw new RangeError("an uplink reaches TTS through at least one gateway");
  return omitZeroValues({
    end_device_ids: endDeviceIdsJson(input.ids),
    correlation_ids: input.correlationIds,
    received_at: formatTimestamp(input.receivedAt),
    uplink_message: {
      session_key_id: input.sessionKeyId,
      f_port: input.fPort,
      f_cnt: input.fCnt,
      frm_payload: Buffer.from(input.frmPayload).toString("base64"),
      decoded_payload: input.decodedPayload,
      rx_metadata: input.receptions.map((reception) => ({
        gateway_ids: { gateway_id: reception.gatewayId, eui: reception.gatewayEui },
        time: gatewayTime,
        timestamp: reception.concentratorTimestamp,
        rssi: reception.rssi,
        channel_rssi: reception.rssi,
        snr: reception.snr,
        uplink_token: reception.uplinkToken,
        channel_index: input.channelIndex,
      })),
      settings: {
        data_rate: { lora: { bandwidth: input.bandwidthHz, spreading_factor: input.spreadingFactor } },
        coding_rate: input.codingRate,
        frequency: String(input.frequencyHz),
        timestamp: first.concentratorTimestamp,
        time: gatewayTime,
      },
      consumed_airtime: formatDuration(input.airtimeNanos),
      locations: {
        user: {
          latitude: input.location.latitude,
          longitude: input.location.longitude,
          altitude: input.location.altitude,
          source: "SOURCE_REGISTRY",
        },
      },
      version_ids: input.versionIds,
      network_ids: input.networkIds,
      attributes: input.attributes,
      received_at: formatTimestamp(input.networkReceivedAt),
    },
  });
}
