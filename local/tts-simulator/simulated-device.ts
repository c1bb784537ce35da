/**
 * One simulated class-A end device: its identity, radio situation and session state (frame counters,
 * data rate). It builds its own join-accept and uplink messages; whoever delivers an uplink calls
 * `notifyAfterUplink`, which is when a class-A device opens its receive windows — the place where
 * the downlink side hooks in to deliver queued downlinks.
 */
import { DeviceNotJoinedError, UplinkListenerError } from "./errors.ts";
import { EU868_UPLINK_CHANNELS_HZ, LORA_BANDWIDTH_HZ, LORAWAN_UPLINK_CODING_RATE } from "./eu868.ts";
import { concentratorTimestamp, type SimulatedGateway } from "./gateways.ts";
import { newSessionKeyId, randomDevAddr } from "./identity.ts";
import { loraAirtimeNanos, lorawanPhyPayloadBytes } from "./lora-airtime.ts";
import { type EpochNanos, epochMsOf, epochNanosOf } from "./proto-json.ts";
import { adrSpreadingFactor, type GeoPoint, type RadioLink, receivingGateways } from "./radio.ts";
import type { SeededRandom } from "./seeded-random.ts";
import {
  decodeSensorPayload,
  encodeSensorReading,
  nextSensorReading,
  SENSOR_F_PORT,
  type SensorReading,
} from "./sensor-payload.ts";
import {
  type EndDeviceIdentity,
  type EndDeviceIdsJson,
  endDeviceIdsJson,
  joinAcceptMessage,
  type NetworkIdsJson,
  type TtsJoinAcceptJson,
  type TtsUplinkJson,
  uplinkCorrelationIds,
  uplinkMessage,
  type VersionIdsJson,
} from "./tts-messages.ts";
import { uplinkToken } from "./uplink-token.ts";

export interface DeviceSession {
  readonly devAddr: string;
  readonly sessionKeyId: string;
  /** FCnt of the next uplink (the first uplink of a session has FCnt 0). */
  readonly fCntUp: number;
  /** FCnt of the next downlink, for the downlink side's `downlink_sent`/`downlink_ack` messages. */
  readonly fCntDown: number;
  readonly joinedAt: EpochNanos;
}

export interface LoraDataRate {
  readonly bandwidth: number;
  readonly spreadingFactor: number;
}

export type AfterUplinkListener = (device: SimulatedDevice, uplink: TtsUplinkJson) => void | Promise<void>;

export interface SimulatedDeviceInit {
  readonly deviceId: string;
  readonly applicationId: string;
  readonly devEui: string;
  readonly joinEui: string;
  readonly location: GeoPoint;
  /** Best gateway first. */
  readonly links: readonly RadioLink<SimulatedGateway>[];
  readonly sensorBaseline: SensorReading;
  readonly versionIds: VersionIdsJson;
  readonly networkIds: NetworkIdsJson;
  readonly attributes: Readonly<Record<string, string>>;
  /** This device's own stream, so one device's traffic does not depend on how many others exist. */
  readonly random: SeededRandom;
}

/** Network processing between gateway reception and the Application Server forwarding the message. */
const FORWARDING_DELAY_MS = { min: 150, max: 280 };

export class SimulatedDevice {
  readonly deviceId: string;
  readonly applicationId: string;
  readonly devEui: string;
  readonly joinEui: string;
  readonly location: GeoPoint;
  readonly links: readonly RadioLink<SimulatedGateway>[];
  readonly versionIds: VersionIdsJson;
  readonly networkIds: NetworkIdsJson;
  readonly attributes: Readonly<Record<string, string>>;

  private readonly random: SeededRandom;
  private readonly sensorBaseline: SensorReading;
  private reading: SensorReading;
  private currentSession: DeviceSession | undefined;
  private currentDataRate: LoraDataRate;
  private readonly afterUplinkListeners = new Set<AfterUplinkListener>();

  constructor(init: SimulatedDeviceInit) {
    this.deviceId = init.deviceId;
    this.applicationId = init.applicationId;
    this.devEui = init.devEui;
    this.joinEui = init.joinEui;
    this.location = init.location;
    this.links = init.links;
    this.versionIds = init.versionIds;
    this.networkIds = init.networkIds;
    this.attributes = init.attributes;
    this.random = init.random;
    this.sensorBaseline = init.sensorBaseline;
    this.reading = init.sensorBaseline;
    this.currentDataRate = {
      bandwidth: LORA_BANDWIDTH_HZ,
      spreadingFactor: adrSpreadingFactor(this.bestLink().meanSignalDbm),
    };
  }

  get session(): DeviceSession | undefined {
    return this.currentSession;
  }

  get dataRate(): LoraDataRate {
    return this.currentDataRate;
  }

  get identity(): EndDeviceIdentity {
    return {
      deviceId: this.deviceId,
      applicationId: this.applicationId,
      devEui: this.devEui,
      joinEui: this.joinEui,
      ...(this.currentSession === undefined ? {} : { devAddr: this.currentSession.devAddr }),
    };
  }

  /** As TTS writes them in every message; e.g. for `thingNameFor(device.endDeviceIds, scheme, stackName)`. */
  get endDeviceIds(): EndDeviceIdsJson {
    return endDeviceIdsJson(this.identity);
  }

  /** (Re)joins: a new DevAddr and session key, frame counters back to 0, data rate re-chosen by ADR. */
  join(at: Date = new Date()): TtsJoinAcceptJson {
    const receivedAt = epochNanosOf(at, this.random.int(0, 999_999));
    const acceptedAt =
      receivedAt -
      BigInt(
        this.random.int(FORWARDING_DELAY_MS.min, FORWARDING_DELAY_MS.max) * 1_000_000 + this.random.int(0, 999_999),
      );
    this.currentSession = {
      devAddr: randomDevAddr(this.random),
      sessionKeyId: newSessionKeyId(epochMsOf(acceptedAt), this.random),
      fCntUp: 0,
      fCntDown: 0,
      joinedAt: acceptedAt,
    };
    this.currentDataRate = {
      bandwidth: LORA_BANDWIDTH_HZ,
      spreadingFactor: adrSpreadingFactor(this.bestLink().meanSignalDbm),
    };
    const gatewayTime = acceptedAt - 5_000_000n;
    return joinAcceptMessage({
      ids: this.identity,
      correlationIds: uplinkCorrelationIds(
        this.bestLink().gateway.connectionCorrelationId,
        gatewayTime,
        receivedAt,
        this.random,
      ),
      sessionKeyId: this.currentSession.sessionKeyId,
      acceptedAt,
      receivedAt,
      attributes: { ...this.attributes },
    });
  }

  /** The next uplink of the session: new sensor reading, next FCnt, heard by 1–3 gateways. */
  uplink(at: Date = new Date()): TtsUplinkJson {
    const session = this.requireSession();
    this.reading = nextSensorReading(this.reading, this.sensorBaseline, this.random);
    const frmPayload = encodeSensorReading(this.reading);
    const receivedAt = epochNanosOf(at, this.random.int(0, 999_999));
    const gatewayMs = epochMsOf(receivedAt) - this.random.int(FORWARDING_DELAY_MS.min, FORWARDING_DELAY_MS.max);
    const gatewayTime = BigInt(gatewayMs) * 1_000_000n;
    const networkReceivedAt = gatewayTime + BigInt(this.random.int(1_500_000, 3_500_000));
    const channelIndex = this.random.int(0, EU868_UPLINK_CHANNELS_HZ.length - 1);
    const { spreadingFactor, bandwidth } = this.currentDataRate;
    const receptions = receivingGateways(this.links, spreadingFactor, this.random).map(({ link, measurement }) => {
      const timestamp = concentratorTimestamp(link.gateway, gatewayTime);
      return {
        gatewayId: link.gateway.gatewayId,
        gatewayEui: link.gateway.eui,
        concentratorTimestamp: timestamp,
        rssi: measurement.rssi,
        snr: measurement.snr,
        uplinkToken: uplinkToken(link.gateway.gatewayId, link.gateway.eui, timestamp),
      };
    });
    const firstGateway =
      this.links.find((link) => link.gateway.gatewayId === receptions[0]?.gatewayId) ?? this.bestLink();

    const message = uplinkMessage({
      ids: this.identity,
      correlationIds: uplinkCorrelationIds(
        firstGateway.gateway.connectionCorrelationId,
        gatewayTime,
        receivedAt,
        this.random,
      ),
      sessionKeyId: session.sessionKeyId,
      fPort: SENSOR_F_PORT,
      fCnt: session.fCntUp,
      frmPayload,
      decodedPayload: { ...decodeSensorPayload(frmPayload) },
      receptions,
      spreadingFactor,
      bandwidthHz: bandwidth,
      codingRate: LORAWAN_UPLINK_CODING_RATE,
      frequencyHz: EU868_UPLINK_CHANNELS_HZ[channelIndex]!,
      channelIndex,
      airtimeNanos: loraAirtimeNanos({
        phyPayloadBytes: lorawanPhyPayloadBytes(frmPayload.length),
        spreadingFactor,
        bandwidthHz: bandwidth,
        codingRate: LORAWAN_UPLINK_CODING_RATE,
      }),
      location: this.location,
      versionIds: this.versionIds,
      networkIds: this.networkIds,
      attributes: { ...this.attributes },
      gatewayTime,
      networkReceivedAt,
      receivedAt,
    });
    this.currentSession = { ...session, fCntUp: session.fCntUp + 1 };
    return message;
  }

  /** Takes the FCnt for a downlink about to be sent in this device's receive window. */
  nextDownlinkFCnt(): number {
    const session = this.requireSession();
    this.currentSession = { ...session, fCntDown: session.fCntDown + 1 };
    return session.fCntDown;
  }

  /** Subscribes to this device's delivered uplinks (its class-A receive windows); returns the unsubscribe. */
  afterUplink(listener: AfterUplinkListener): () => void {
    this.afterUplinkListeners.add(listener);
    return () => this.afterUplinkListeners.delete(listener);
  }

  /**
   * Call once the uplink has been delivered: runs every listener (even if some fail) and rejects
   * with an `UplinkListenerError` naming the failures.
   */
  async notifyAfterUplink(uplink: TtsUplinkJson): Promise<void> {
    const results = await Promise.allSettled(
      [...this.afterUplinkListeners].map(async (listener) => listener(this, uplink)),
    );
    const failures = results.flatMap((result) => (result.status === "rejected" ? [result.reason as unknown] : []));
    if (failures.length > 0) throw new UplinkListenerError(this.deviceId, failures);
  }

  private requireSession(): DeviceSession {
    if (this.currentSession === undefined) throw new DeviceNotJoinedError(this.deviceId);
    return this.currentSession;
  }

  private bestLink(): RadioLink<SimulatedGateway> {
    const best = this.links[0];
    if (best === undefined) throw new RangeError(`simulated device "${this.deviceId}" has no gateway in range`);
    return best;
  }
}
