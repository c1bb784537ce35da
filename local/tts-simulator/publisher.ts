/**
 * The TTS side of the bridge, live: one MQTT session per stack publishing what TTS's AWS IoT
 * integration publishes. Each device joins, then sends an uplink every interval (with jitter).
 */
import type { MqttClient } from "mqtt";
import { TTS_EVENTS, ttsTopicPrefix } from "../../functions/core/tts-events.ts";
import { InvalidSimulatorOptionsError, TtsSimulatorStoppedError } from "./errors.ts";
import { createSimulatedDevices, type ProvisionedDevice, type SimulatedFleet } from "./fleet.ts";
import { connectLikeTts, ttsClientId } from "./mqtt-connection.ts";
import { firstUplinkDelayMs, joinDelayMs, nextUplinkDelayMs } from "./schedule.ts";
import { deriveSeed, SeededRandom } from "./seeded-random.ts";
import type { SimulatedDevice } from "./simulated-device.ts";
import type { TtsJoinAcceptJson, TtsUplinkJson } from "./tts-messages.ts";

export interface TtsSimulatorOptions {
  readonly mqttUrl: string;
  readonly stackName: string;
  readonly applicationId?: string;
  /** 0: connected, but no traffic. */
  readonly devices: number;
  readonly intervalSeconds: number;
  readonly seed?: number;
  /** Defaults to TTS's `thethings-<stackName>`. */
  readonly clientId?: string;
  /** false: devices exist but only talk when `publishJoin`/`publishUplink` is called (tests, the downlink side). */
  readonly scheduled?: boolean;
  /** Background failures (a publish or a listener failing); defaults to stderr. */
  readonly onError?: (error: Error) => void;
}

export interface TtsSimulatorStats {
  readonly joins: number;
  readonly uplinks: number;
}

export interface TtsSimulator {
  readonly fleet: SimulatedFleet;
  readonly devices: readonly SimulatedDevice[];
  /** `thethings/lorawan/<stackName>` */
  readonly topicPrefix: string;
  /** Sends the device's next uplink (it must have joined) and resolves once the broker acknowledged it and `afterUplink` listeners ran. */
  publishUplink(deviceId: string): Promise<TtsUplinkJson>;
  /** (Re)joins the device: new session, frame counters reset. */
  publishJoin(deviceId: string): Promise<TtsJoinAcceptJson>;
  /** Publishes any message under the stack's prefix, e.g. `publish("downlink/sent", …)`; objects as JSON. QoS 1. */
  publish(topicSuffix: string, message: unknown): Promise<void>;
  /**
   * A device provisioned in TTS's registries joins the fleet and, when traffic is scheduled, joins
   * the network and sends uplinks like the others. Adding one already there changes nothing.
   */
  addDevice(device: ProvisionedDevice): SimulatedDevice;
  /** The device leaves the fleet and stops talking (deleted from TTS's registries); false if it was not there. */
  removeDevice(deviceId: string): boolean;
  stats(): TtsSimulatorStats;
  /** Clears every timer, waits briefly for in-flight publishes, disconnects. Idempotent. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 2_000;

function defaultOnError(error: Error): void {
  console.error(`[tts-simulator] ${error.name}: ${error.message}`);
}

function validate(options: TtsSimulatorOptions): void {
  if (!(Number.isFinite(options.intervalSeconds) && options.intervalSeconds > 0)) {
    throw new InvalidSimulatorOptionsError(`intervalSeconds must be a positive number, got ${options.intervalSeconds}`);
  }
}

function encode(message: unknown): string | Buffer {
  if (typeof message === "string") return message;
  if (message instanceof Uint8Array) return Buffer.from(message);
  return JSON.stringify(message);
}

export async function startTtsSimulator(options: TtsSimulatorOptions): Promise<TtsSimulator> {
  validate(options);
  const fleet = createSimulatedDevices({
    count: options.devices,
    stackName: options.stackName,
    applicationId: options.applicationId,
    seed: options.seed,
  });
  const onError = options.onError ?? defaultOnError;
  const client = await connectLikeTts(options.mqttUrl, options.clientId ?? ttsClientId(options.stackName), onError);
  const session = new SimulatorSession(client, fleet, onError);
  const scheduled = options.scheduled ?? true;
  const intervalMs = options.intervalSeconds * 1000;
  if (scheduled) session.startTraffic(intervalMs);
  return {
    fleet,
    get devices() {
      return fleet.devices;
    },
    topicPrefix: session.topicPrefix,
    publishUplink: async (deviceId) => session.publishUplink(fleet.get(deviceId)),
    publishJoin: async (deviceId) => session.publishJoin(fleet.get(deviceId)),
    publish: async (topicSuffix, message) => session.publish(topicSuffix, message),
    addDevice: (provisioned) => {
      const known = fleet.find(provisioned.deviceId);
      if (known !== undefined) return known;
      const device = fleet.add(provisioned);
      if (scheduled) session.startDevice(device, intervalMs);
      return device;
    },
    removeDevice: (deviceId) => fleet.remove(deviceId),
    stats: () => session.stats(),
    stop: () => session.stop(),
  };
}

class SimulatorSession {
  readonly topicPrefix: string;
  private readonly client: MqttClient;
  private readonly fleet: SimulatedFleet;
  private readonly onError: (error: Error) => void;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private joins = 0;
  private uplinks = 0;
  private stopping: Promise<void> | undefined;

  constructor(client: MqttClient, fleet: SimulatedFleet, onError: (error: Error) => void) {
    this.client = client;
    this.fleet = fleet;
    this.onError = onError;
    this.topicPrefix = ttsTopicPrefix(fleet.stackName);
  }

  stats(): TtsSimulatorStats {
    return { joins: this.joins, uplinks: this.uplinks };
  }

  startTraffic(intervalMs: number): void {
    for (const device of this.fleet) this.startDevice(device, intervalMs);
  }

  /** Joins, then sends uplinks, for as long as the device is in the fleet. */
  startDevice(device: SimulatedDevice, intervalMs: number): void {
    // Timing has its own stream: the messages a seed produces must not depend on scheduling.
    const random = new SeededRandom(deriveSeed(this.fleet.seed, "schedule", device.deviceId));
    const inFleet = () => this.fleet.find(device.deviceId) === device;
    const sendUplinks = (): void => {
      if (!inFleet()) return;
      this.background(this.publishUplink(device), () => this.later(nextUplinkDelayMs(intervalMs, random), sendUplinks));
    };
    const join = (): void => {
      if (!inFleet()) return;
      this.background(this.publishJoin(device), (joined) =>
        joined ? this.later(firstUplinkDelayMs(intervalMs, random), sendUplinks) : this.later(intervalMs, join),
      );
    };
    this.later(joinDelayMs(intervalMs, random), join);
  }

  async publishJoin(device: SimulatedDevice): Promise<TtsJoinAcceptJson> {
    const message = device.join();
    await this.publish(TTS_EVENTS.join.ttsTopic, message);
    this.joins++;
    return message;
  }

  async publishUplink(device: SimulatedDevice): Promise<TtsUplinkJson> {
    const message = device.uplink();
    await this.publish(TTS_EVENTS.uplink.ttsTopic, message);
    this.uplinks++;
    // The uplink was delivered; a listener failing is the downlink side's problem, not the uplink's.
    await device.notifyAfterUplink(message).catch((error: Error) => this.onError(error));
    return message;
  }

  async publish(topicSuffix: string, message: unknown): Promise<void> {
    if (this.stopping !== undefined) throw new TtsSimulatorStoppedError(`publish on ${topicSuffix}`);
    const sent = this.client.publishAsync(`${this.topicPrefix}/${topicSuffix}`, encode(message), { qos: 1 });
    this.inFlight.add(sent);
    try {
      await sent;
    } finally {
      this.inFlight.delete(sent);
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, STOP_GRACE_MS)));
    await Promise.race([Promise.allSettled([...this.inFlight]), graceOver]);
    clearTimeout(graceTimer);
    // Forced only when the broker never acknowledged: a clean DISCONNECT otherwise.
    await this.client.endAsync(this.inFlight.size > 0);
  }

  /** Runs a scheduled publish; failures go to onError, and `then` learns whether it worked. */
  private background(work: Promise<unknown>, then: (succeeded: boolean) => void): void {
    work.then(
      () => {
        if (this.stopping === undefined) then(true);
      },
      (error: Error) => {
        // Publishes cut short by stop() are expected, not worth reporting.
        if (this.stopping !== undefined) return;
        this.onError(error);
        then(false);
      },
    );
  }

  private later(delayMs: number, action: () => void): void {
    if (this.stopping !== undefined) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }
}
