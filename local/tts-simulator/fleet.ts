/**
 * A TTS application's worth of simulated devices and the gateways that hear them, built
 * deterministically from a seed. No I/O: the publisher, the benchmark and the downlink side share it.
 */
import { STACK_NAME_PATTERN } from "../../functions/core/thing-name.ts";
import { isTtsId, TTS_ID_MAX_LENGTH, TTS_ID_PATTERN } from "../../functions/core/tts-id.ts";
import { InvalidSimulatorOptionsError, UnknownSimulatedDeviceError } from "./errors.ts";
import { createGateways, type SimulatedGateway } from "./gateways.ts";
import { MAX_SIMULATED_DEVICES, simulatedDevEui, simulatedDeviceId, simulatedJoinEui, TTN_NET_ID } from "./identity.ts";
import { epochNanosOf } from "./proto-json.ts";
import { distanceMeters, type GeoPoint, meanSignalDbm, offsetPoint, type RadioLink } from "./radio.ts";
import { deriveSeed, SeededRandom } from "./seeded-random.ts";
import { initialSensorReading } from "./sensor-payload.ts";
import { type AfterUplinkListener, SimulatedDevice } from "./simulated-device.ts";
import { SIMULATED_VERSION_IDS } from "./tts-messages.ts";

export const DEFAULT_APPLICATION_ID = "tts-aws-iot-sim";
export const DEFAULT_SEED = 1;
const GATEWAY_COUNT = 4;
const SITE_RADIUS_METERS = 4000;
/** Amsterdam, where The Things Network started. */
const SITE_CENTER: GeoPoint = { latitude: 52.3731, longitude: 4.8926, altitude: 2 };
/** Obstacles make two devices at the same distance differ by several dB, and that stays so. */
const SHADOWING_SIGMA_DB = 4;

export interface SimulatedFleetOptions {
  readonly count: number;
  readonly stackName: string;
  readonly applicationId?: string | undefined;
  readonly seed?: number | undefined;
  /** When the gateways connected; only feeds their `gs:conn` correlation IDs. Defaults to now. */
  readonly startedAt?: Date;
}

/** A device registered through TTS's device registries (all four), as the simulator takes it into the fleet. */
export interface ProvisionedDevice {
  readonly applicationId: string;
  readonly deviceId: string;
  readonly devEui: string;
  readonly joinEui: string;
  /** The Identity Server's `attributes`; TTS puts them in the device's messages. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export class SimulatedFleet implements Iterable<SimulatedDevice> {
  readonly stackName: string;
  readonly applicationId: string;
  readonly seed: number;
  readonly gateways: readonly SimulatedGateway[];
  private readonly byId: Map<string, SimulatedDevice>;
  /** `afterUplink` listeners of the whole fleet: devices added later get them too. */
  private readonly listeners = new Set<AfterUplinkListener>();
  private readonly unsubscribes = new Map<SimulatedDevice, Map<AfterUplinkListener, () => void>>();

  constructor(init: {
    stackName: string;
    applicationId: string;
    seed: number;
    gateways: readonly SimulatedGateway[];
    devices: readonly SimulatedDevice[];
  }) {
    this.stackName = init.stackName;
    this.applicationId = init.applicationId;
    this.seed = init.seed;
    this.gateways = init.gateways;
    this.byId = new Map(init.devices.map((device) => [device.deviceId, device]));
  }

  /** The devices now, in the order they joined the fleet (a snapshot). */
  get devices(): readonly SimulatedDevice[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }

  [Symbol.iterator](): Iterator<SimulatedDevice> {
    return this.devices[Symbol.iterator]();
  }

  /**
   * Adds a provisioned device (or returns the one of that ID already there): placed on the site and
   * heard by the gateways like the others, deterministically from the seed and its DevEUI.
   */
  add(provisioned: ProvisionedDevice): SimulatedDevice {
    const existing = this.byId.get(provisioned.deviceId);
    if (existing !== undefined) return existing;
    const device = buildDevice({
      random: new SeededRandom(deriveSeed(this.seed, "provisioned", provisioned.devEui)),
      gateways: this.gateways,
      deviceId: provisioned.deviceId,
      applicationId: this.applicationId,
      devEui: provisioned.devEui,
      joinEui: provisioned.joinEui,
      attributes: provisioned.attributes ?? {},
    });
    this.byId.set(device.deviceId, device);
    for (const listener of this.listeners) this.subscribe(device, listener);
    return device;
  }

  /** Takes the device out of the fleet (it stops talking); false if it was not there. */
  remove(deviceId: string): boolean {
    const device = this.byId.get(deviceId);
    if (device === undefined) return false;
    this.byId.delete(deviceId);
    for (const unsubscribe of this.unsubscribes.get(device)?.values() ?? []) unsubscribe();
    this.unsubscribes.delete(device);
    return true;
  }

  find(deviceId: string): SimulatedDevice | undefined {
    return this.byId.get(deviceId);
  }

  get(deviceId: string): SimulatedDevice {
    const device = this.byId.get(deviceId);
    if (device === undefined) throw new UnknownSimulatedDeviceError(deviceId, this.applicationId);
    return device;
  }

  /** `afterUplink` on every device, present and added later; returns one unsubscribe for all. */
  afterUplink(listener: AfterUplinkListener): () => void {
    this.listeners.add(listener);
    for (const device of this.byId.values()) this.subscribe(device, listener);
    return () => {
      this.listeners.delete(listener);
      for (const byListener of this.unsubscribes.values()) {
        byListener.get(listener)?.();
        byListener.delete(listener);
      }
    };
  }

  private subscribe(device: SimulatedDevice, listener: AfterUplinkListener): void {
    const byListener = this.unsubscribes.get(device) ?? new Map<AfterUplinkListener, () => void>();
    this.unsubscribes.set(device, byListener);
    byListener.set(listener, device.afterUplink(listener));
  }
}

function validate(options: SimulatedFleetOptions, applicationId: string): void {
  const { count, stackName, seed } = options;
  if (!Number.isInteger(count) || count < 0 || count > MAX_SIMULATED_DEVICES) {
    throw new InvalidSimulatorOptionsError(`device count must be an integer 0–${MAX_SIMULATED_DEVICES}, got ${count}`);
  }
  if (!STACK_NAME_PATTERN.test(stackName)) {
    throw new InvalidSimulatorOptionsError(`stack name "${stackName}" must match ${STACK_NAME_PATTERN}`);
  }
  if (!isTtsId(applicationId)) {
    throw new InvalidSimulatorOptionsError(
      `application ID "${applicationId}" is not a TTS ID (${TTS_ID_PATTERN}, at most ${TTS_ID_MAX_LENGTH} characters)`,
    );
  }
  if (seed !== undefined && !Number.isInteger(seed)) {
    throw new InvalidSimulatorOptionsError(`seed must be an integer, got ${seed}`);
  }
}

function deviceLinks(
  location: GeoPoint,
  gateways: readonly SimulatedGateway[],
  random: SeededRandom,
): RadioLink<SimulatedGateway>[] {
  return gateways
    .map((gateway) => {
      const meters = distanceMeters(location, gateway.location);
      return {
        gateway,
        distanceMeters: meters,
        meanSignalDbm: meanSignalDbm(meters, SHADOWING_SIGMA_DB * random.gaussian()),
      };
    })
    .sort((a, b) => b.meanSignalDbm - a.meanSignalDbm);
}

export function createSimulatedDevices(options: SimulatedFleetOptions): SimulatedFleet {
  const applicationId = options.applicationId ?? DEFAULT_APPLICATION_ID;
  validate(options, applicationId);
  const seed = options.seed ?? DEFAULT_SEED;
  const gateways = createGateways({
    count: GATEWAY_COUNT,
    siteCenter: SITE_CENTER,
    random: new SeededRandom(deriveSeed(seed, "gateways")),
    connectedAt: epochNanosOf(options.startedAt ?? new Date()),
  });
  const joinEui = simulatedJoinEui(seed);
  const devices = Array.from({ length: options.count }, (_, index) =>
    buildDevice({
      random: new SeededRandom(deriveSeed(seed, "device", index)),
      gateways,
      deviceId: simulatedDeviceId(index),
      applicationId,
      devEui: simulatedDevEui(seed, index),
      joinEui,
      attributes: { simulator: "tts-aws-iot", stack: options.stackName },
    }),
  );
  return new SimulatedFleet({ stackName: options.stackName, applicationId, seed, gateways, devices });
}

/** A device somewhere on the site, its links to the gateways and its sensor, all drawn from `random`. */
function buildDevice(init: {
  random: SeededRandom;
  gateways: readonly SimulatedGateway[];
  deviceId: string;
  applicationId: string;
  devEui: string;
  joinEui: string;
  attributes: Readonly<Record<string, string>>;
}): SimulatedDevice {
  const { random } = init;
  // Uniform over the disc: radius ∝ √u.
  const location = offsetPoint(
    SITE_CENTER,
    SITE_RADIUS_METERS * Math.sqrt(random.next()),
    random.between(0, 2 * Math.PI),
    Math.round(random.between(0, 30)),
  );
  return new SimulatedDevice({
    deviceId: init.deviceId,
    applicationId: init.applicationId,
    devEui: init.devEui,
    joinEui: init.joinEui,
    location: { ...location, latitude: roundTo(location.latitude, 6), longitude: roundTo(location.longitude, 6) },
    links: deviceLinks(location, init.gateways, random),
    sensorBaseline: initialSensorReading(random),
    versionIds: SIMULATED_VERSION_IDS,
    networkIds: { net_id: TTN_NET_ID, tenant_id: "ttn", cluster_id: "eu1" },
    attributes: init.attributes,
    random: random.fork("traffic"),
  });
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
