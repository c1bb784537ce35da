/**
 * The state of TTS's four end device registries — Identity, Join, Network and Application Server —
 * each a separate store of TTS's JSON end devices, as in TTS, where each server keeps its own part of
 * a device. Bounded: a registry holds at most `maxDevices` devices (TTS's `registry_full` stand-in).
 * Tests read them directly: `ttsApi.registries.join.get("app1", "dev1")`.
 */

import { TTS_REGISTRIES, type TtsRegistry } from "../../functions/tts/end-devices.ts";
import { InvalidSimulatorOptionsError } from "./errors.ts";

export type EndDeviceJson = Record<string, unknown>;

/** Enough for any test or local fleet; a runaway provisioning loop hears `registry_full` long before memory matters. */
export const DEFAULT_MAX_REGISTERED_DEVICES = 10_000;

export class EndDeviceRegistry {
  readonly server: TtsRegistry;
  readonly maxDevices: number;
  private readonly devices = new Map<string, EndDeviceJson>();

  constructor(server: TtsRegistry, maxDevices: number) {
    this.server = server;
    this.maxDevices = maxDevices;
  }

  get size(): number {
    return this.devices.size;
  }

  /** A copy of the stored device, or undefined. */
  get(applicationId: string, deviceId: string): EndDeviceJson | undefined {
    const device = this.devices.get(uid(applicationId, deviceId));
    return device === undefined ? undefined : structuredClone(device);
  }

  has(applicationId: string, deviceId: string): boolean {
    return this.devices.has(uid(applicationId, deviceId));
  }

  /** Copies of every stored device, in the order they were first stored. */
  list(): EndDeviceJson[] {
    return [...this.devices.values()].map((device) => structuredClone(device));
  }

  /** A copy of the first stored device `matches` accepts: only that one is copied. */
  find(matches: (device: Readonly<EndDeviceJson>) => boolean): EndDeviceJson | undefined {
    for (const device of this.devices.values()) if (matches(device)) return structuredClone(device);
    return undefined;
  }

  /** Stores a copy; false when that would make a new device past `maxDevices` (nothing stored then). */
  put(applicationId: string, deviceId: string, device: EndDeviceJson): boolean {
    const key = uid(applicationId, deviceId);
    if (!this.devices.has(key) && this.devices.size >= this.maxDevices) return false;
    this.devices.set(key, structuredClone(device));
    return true;
  }

  delete(applicationId: string, deviceId: string): boolean {
    return this.devices.delete(uid(applicationId, deviceId));
  }

  clear(): void {
    this.devices.clear();
  }
}

export class EndDeviceRegistries {
  readonly identity: EndDeviceRegistry;
  readonly join: EndDeviceRegistry;
  readonly network: EndDeviceRegistry;
  readonly application: EndDeviceRegistry;

  constructor(maxDevices = DEFAULT_MAX_REGISTERED_DEVICES) {
    if (!(Number.isInteger(maxDevices) && maxDevices >= 1))
      throw new InvalidSimulatorOptionsError(`maxRegisteredDevices must be a whole number ≥ 1, got ${maxDevices}`);
    this.identity = new EndDeviceRegistry("is", maxDevices);
    this.join = new EndDeviceRegistry("js", maxDevices);
    this.network = new EndDeviceRegistry("ns", maxDevices);
    this.application = new EndDeviceRegistry("as", maxDevices);
  }

  of(server: TtsRegistry): EndDeviceRegistry {
    switch (server) {
      case "is":
        return this.identity;
      case "js":
        return this.join;
      case "ns":
        return this.network;
      case "as":
        return this.application;
    }
  }

  /** The servers holding the device, in provisioning order. */
  holding(applicationId: string, deviceId: string): TtsRegistry[] {
    return TTS_REGISTRIES.filter((server) => this.of(server).has(applicationId, deviceId));
  }
}

/** TTS's unique ID of a device (pkg/unique): `<application_id>.<device_id>`. */
function uid(applicationId: string, deviceId: string): string {
  return `${applicationId}.${deviceId}`;
}
