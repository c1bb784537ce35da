import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseTtsMessage } from "../../../functions/core/tts-message.ts";
import {
  DeviceNotJoinedError,
  startTtsSimulator,
  type TtsSimulator,
  TtsSimulatorConnectionError,
  TtsSimulatorStoppedError,
  UnknownSimulatedDeviceError,
} from "../../../local/tts-simulator/index.ts";
import { closedPort, type Subscriber, sleep, startTestBroker, subscribe, type TestBroker } from "./mqtt-harness.ts";

const STACK = "sim-test";
const PREFIX = `thethings/lorawan/${STACK}`;

let broker: TestBroker;
let subscriber: Subscriber;
const simulators: TtsSimulator[] = [];

async function start(options: {
  devices: number;
  intervalSeconds?: number;
  scheduled?: boolean;
  onError?: (error: Error) => void;
}) {
  const simulator = await startTtsSimulator({
    mqttUrl: broker.url,
    stackName: STACK,
    intervalSeconds: 0.05,
    seed: 3,
    ...options,
  });
  simulators.push(simulator);
  return simulator;
}

const timerCount = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

beforeEach(async () => {
  broker = await startTestBroker();
  subscriber = await subscribe(broker.url, `${PREFIX}/#`);
});

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.stop()));
  await subscriber.close();
  await broker.close();
});

describe("TTS simulator publisher", () => {
  it("connects as TTS does, joins every device before its uplinks, and counts what it sent", async () => {
    const simulator = await start({ devices: 4 });
    const uplinksPerDevice = () => {
      const counts = new Map<string, number>();
      for (const { topic, json } of subscriber.messages) {
        if (topic === `${PREFIX}/uplink`)
          counts.set(json.end_device_ids.device_id, (counts.get(json.end_device_ids.device_id) ?? 0) + 1);
      }
      return counts;
    };
    await subscriber.waitUntil(() => {
      const counts = uplinksPerDevice();
      return counts.size === 4 && [...counts.values()].every((count) => count >= 3);
    });
    await simulator.stop();
    const { joins, uplinks } = simulator.stats();
    await subscriber.waitUntil((messages) => messages.length === joins + uplinks);

    expect(broker.clientIds).toContain(`thethings-${STACK}`);
    expect(joins).toBe(4);
    for (const device of simulator.devices) {
      const own = subscriber.messages.filter(({ json }) => json.end_device_ids.device_id === device.deviceId);
      expect(own[0]!.topic).toBe(`${PREFIX}/join`);
      expect(own.slice(1).every(({ topic }) => topic === `${PREFIX}/uplink`)).toBe(true);
      expect(own.slice(1).map(({ json }) => json.uplink_message.f_cnt ?? 0)).toEqual(
        own.slice(1).map((_, index) => index),
      );
      for (const { topic, json } of own)
        expect(parseTtsMessage(json).kind).toBe(topic === `${PREFIX}/join` ? "join" : "uplink");
    }
    expect(subscriber.messages.filter(({ topic }) => topic === `${PREFIX}/uplink`)).toHaveLength(uplinks);
  });

  it("stops completely: no more messages and no timers left behind", async () => {
    const timersBefore = timerCount();
    const simulator = await start({ devices: 3 });
    await subscriber.waitUntil((messages) => messages.length >= 6);
    await simulator.stop();
    await simulator.stop();
    const { joins, uplinks } = simulator.stats();
    await subscriber.waitUntil((messages) => messages.length === joins + uplinks);
    await sleep(200);
    expect(subscriber.messages).toHaveLength(joins + uplinks);
    expect(simulator.stats()).toEqual({ joins, uplinks });
    expect(timerCount()).toBeLessThanOrEqual(timersBefore);
    await expect(simulator.publish("uplink", {})).rejects.toThrow(TtsSimulatorStoppedError);
  });

  it("with no devices, connects but publishes nothing", async () => {
    const simulator = await start({ devices: 0 });
    await sleep(300);
    expect(subscriber.messages).toEqual([]);
    expect(simulator.stats()).toEqual({ joins: 0, uplinks: 0 });
    expect(broker.clientIds).toContain(`thethings-${STACK}`);
  });

  it("publishes on demand when not scheduled, and lets afterUplink listeners answer after the uplink", async () => {
    const simulator = await start({ devices: 2, scheduled: false });
    const device = simulator.fleet.get("sim-sensor-002");
    device.afterUplink(async (_, uplink) => {
      await simulator.publish("downlink/sent", {
        end_device_ids: uplink.end_device_ids,
        downlink_sent: { f_port: 1, f_cnt: device.nextDownlinkFCnt() },
      });
    });

    await expect(simulator.publishUplink("sim-sensor-002")).rejects.toThrow(DeviceNotJoinedError);
    await expect(simulator.publishJoin("sim-sensor-404")).rejects.toThrow(UnknownSimulatedDeviceError);
    await simulator.publishJoin("sim-sensor-002");
    const uplink = await simulator.publishUplink("sim-sensor-002");
    await subscriber.waitUntil((messages) => messages.length === 3);

    expect(subscriber.messages.map(({ topic }) => topic)).toEqual([
      `${PREFIX}/join`,
      `${PREFIX}/uplink`,
      `${PREFIX}/downlink/sent`,
    ]);
    expect(subscriber.messages[1]!.json).toEqual(uplink);
    expect(parseTtsMessage(subscriber.messages[2]!.json).kind).toBe("downlinkSent");
    expect(simulator.stats()).toEqual({ joins: 1, uplinks: 1 });
  });

  it("reports a failing listener without failing the uplink", async () => {
    const errors: Error[] = [];
    const simulator = await start({ devices: 1, scheduled: false, onError: (error) => errors.push(error) });
    simulator.devices[0]!.afterUplink(() => {
      throw new Error("downlink queue exploded");
    });
    await simulator.publishJoin("sim-sensor-001");
    await simulator.publishUplink("sim-sensor-001");
    expect(errors.map((error) => error.message)).toEqual([expect.stringContaining("downlink queue exploded")]);
  });

  it("fails clearly, naming the URL, when the broker cannot be reached", async () => {
    const url = `mqtt://127.0.0.1:${await closedPort()}`;
    const attempt = startTtsSimulator({ mqttUrl: url, stackName: STACK, devices: 1, intervalSeconds: 1 });
    await expect(attempt).rejects.toThrow(TtsSimulatorConnectionError);
    await expect(attempt).rejects.toThrow(url);
  });
});
