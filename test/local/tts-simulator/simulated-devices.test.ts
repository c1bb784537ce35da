import { describe, expect, it } from "vitest";
import { parseTtsMessage } from "../../../functions/core/tts-message.ts";
import { EU868_UPLINK_CHANNELS_HZ } from "../../../local/tts-simulator/eu868.ts";
import {
  createSimulatedDevices,
  DeviceNotJoinedError,
  InvalidSimulatorOptionsError,
  UnknownSimulatedDeviceError,
  UplinkListenerError,
} from "../../../local/tts-simulator/index.ts";
import { loraAirtimeNanos, lorawanPhyPayloadBytes } from "../../../local/tts-simulator/lora-airtime.ts";
import { formatDuration } from "../../../local/tts-simulator/proto-json.ts";
import { decodeSensorPayload } from "../../../local/tts-simulator/sensor-payload.ts";
import { fixture } from "../../support/fixtures.ts";

const STARTED_AT = new Date("2025-03-01T08:00:00Z");
const at = (seconds: number) => new Date(STARTED_AT.getTime() + seconds * 1000);
const fleetOf = (count: number, seed = 11) =>
  createSimulatedDevices({ count, stackName: "demo", seed, startedAt: STARTED_AT });

/** Every field path, arrays as `[]`; payload-like maps are leaves, as their keys are the user's. */
function keyPaths(value: unknown, prefix = ""): Set<string> {
  const paths = new Set<string>();
  if (Array.isArray(value)) {
    for (const item of value) for (const path of keyPaths(item, `${prefix}[]`)) paths.add(path);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, field] of Object.entries(value)) {
      const path = prefix === "" ? key : `${prefix}.${key}`;
      paths.add(path);
      if (key !== "decoded_payload" && key !== "attributes")
        for (const nested of keyPaths(field, path)) paths.add(nested);
    }
  }
  return paths;
}

/** Fields TTS leaves out when zero: the fixture has them, our message may not. */
const ZERO_OMITTABLE = new Set([
  "uplink_message.f_cnt",
  "uplink_message.rx_metadata[].snr",
  "uplink_message.rx_metadata[].channel_index",
  "uplink_message.rx_metadata[].timestamp",
  "uplink_message.settings.timestamp",
  "uplink_message.locations.user.altitude",
]);

describe("simulated devices", () => {
  it("are the same devices, sending the same messages, for the same seed", () => {
    const run = (seed: number) => {
      const fleet = fleetOf(5, seed);
      return fleet.devices.flatMap((device) => [device.join(at(0)), device.uplink(at(10)), device.uplink(at(20))]);
    };
    expect(run(11)).toEqual(run(11));
    expect(run(12)).not.toEqual(run(11));
  });

  it("keep a device's identity independent of how many devices there are", () => {
    const small = fleetOf(2).devices[1]!;
    const large = fleetOf(50).devices[1]!;
    expect([large.deviceId, large.devEui, large.location]).toEqual([small.deviceId, small.devEui, small.location]);
    expect(large.uplink.bind(large)).toThrow(DeviceNotJoinedError);
    expect(large.join(at(0))).toEqual(small.join(at(0)));
  });

  it("produce hundreds of messages that our TTS schema accepts, of the right kind", () => {
    const fleet = fleetOf(40);
    let checked = 0;
    for (const device of fleet) {
      expect(parseTtsMessage(device.join(at(0))).kind).toBe("join");
      for (let index = 1; index <= 10; index++) {
        const parsed = parseTtsMessage(JSON.parse(JSON.stringify(device.uplink(at(index * 60)))));
        expect(parsed.kind).toBe("uplink");
        checked++;
      }
    }
    expect(checked).toBe(400);
  });

  it("have the fixtures' shape: the same field paths, f_port added, zero fields omitted", () => {
    const fleet = fleetOf(30);
    const fixtureUplinkPaths = keyPaths(fixture("uplink"));
    const fixtureJoinPaths = keyPaths(fixture("join-accept"));
    const seenUplinkPaths = new Set<string>();
    for (const device of fleet) {
      expect(keyPaths(device.join(at(0)))).toEqual(fixtureJoinPaths);
      for (let index = 1; index <= 5; index++) {
        const paths = keyPaths(device.uplink(at(index * 60)));
        for (const path of paths) seenUplinkPaths.add(path);
        const missing = [...fixtureUplinkPaths].filter((path) => !paths.has(path));
        expect(missing.filter((path) => !ZERO_OMITTABLE.has(path))).toEqual([]);
      }
    }
    const extra = [...seenUplinkPaths].filter((path) => !fixtureUplinkPaths.has(path));
    expect(extra).toEqual(["uplink_message.f_port"]);
    expect([...fixtureUplinkPaths].filter((path) => !seenUplinkPaths.has(path))).toEqual([]);
  });

  it("count frames per device from 0 (absent, as TTS omits zero) and restart on rejoin", () => {
    const [first, second] = fleetOf(2).devices;
    first!.join(at(0));
    second!.join(at(0));
    const counts = [1, 2, 3].map((index) => first!.uplink(at(index)).uplink_message.f_cnt);
    expect(counts).toEqual([undefined, 1, 2]);
    expect(second!.uplink(at(4)).uplink_message).not.toHaveProperty("f_cnt");
    const before = first!.session!;
    const rejoin = first!.join(at(5));
    expect(rejoin.join_accept.session_key_id).not.toBe(before.sessionKeyId);
    expect(first!.session).toMatchObject({ fCntUp: 0, fCntDown: 0 });
    expect(first!.uplink(at(6)).uplink_message.f_cnt).toBeUndefined();
    expect(first!.uplink(at(7)).end_device_ids.dev_addr).toBe(rejoin.end_device_ids.dev_addr);
  });

  it("send uplinks heard by one to three gateways, with consistent radio settings", () => {
    const fleet = fleetOf(60);
    const gatewayCounts = new Set<number>();
    const spreadingFactors = new Set<number>();
    for (const device of fleet) {
      device.join(at(0));
      for (let index = 1; index <= 5; index++) {
        const { uplink_message: uplink } = device.uplink(at(index * 60));
        const { rx_metadata: receptions, settings } = uplink;
        gatewayCounts.add(receptions.length);
        spreadingFactors.add(settings.data_rate.lora.spreading_factor);
        expect(new Set(receptions.map((reception) => reception.gateway_ids.gateway_id)).size).toBe(receptions.length);
        expect(EU868_UPLINK_CHANNELS_HZ.map(String)).toContain(settings.frequency);
        expect(EU868_UPLINK_CHANNELS_HZ[receptions[0]!.channel_index ?? 0]).toBe(Number(settings.frequency));
        expect(settings.timestamp).toBe(receptions[0]!.timestamp);
        const frmPayload = Buffer.from(uplink.frm_payload, "base64");
        expect(uplink.decoded_payload).toEqual(decodeSensorPayload(frmPayload));
        expect(uplink.consumed_airtime).toBe(
          formatDuration(
            loraAirtimeNanos({
              phyPayloadBytes: lorawanPhyPayloadBytes(frmPayload.length),
              spreadingFactor: settings.data_rate.lora.spreading_factor,
              bandwidthHz: 125_000,
              codingRate: "4/5",
            }),
          ),
        );
      }
    }
    expect([...gatewayCounts].sort()).toEqual([1, 2, 3]);
    expect(spreadingFactors.size).toBeGreaterThan(1);
  });

  it("stamp times in order: gateway, network server, application server", () => {
    const device = fleetOf(1).devices[0]!;
    const join = device.join(at(0));
    expect(Date.parse(join.join_accept.received_at)).toBeLessThan(Date.parse(join.received_at));
    const message = device.uplink(at(30));
    const gateway = Date.parse(message.uplink_message.rx_metadata[0]!.time);
    const network = Date.parse(message.uplink_message.received_at);
    const application = Date.parse(message.received_at);
    expect(gateway).toBeLessThanOrEqual(network);
    expect(network).toBeLessThan(application);
    expect(message.received_at).toMatch(/^2025-03-01T08:00:30\.\d{9}Z$/);
    expect(message.correlation_ids.map((id) => id.replace(/[0-9A-Z]{26}$/, ""))).toEqual([
      "as:up:",
      "gs:conn:",
      "gs:uplink:",
      "ns:uplink:",
      "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:",
    ]);
  });

  it("are found by device ID", () => {
    const fleet = fleetOf(3);
    expect(fleet.get("sim-sensor-002")).toBe(fleet.devices[1]);
    expect(fleet.find("sim-sensor-009")).toBeUndefined();
    expect(() => fleet.get("sim-sensor-009")).toThrow(UnknownSimulatedDeviceError);
    expect([...fleet].map((device) => device.deviceId)).toEqual(["sim-sensor-001", "sim-sensor-002", "sim-sensor-003"]);
  });

  it("let the downlink side hook into each delivered uplink and take downlink frame counters", async () => {
    const fleet = fleetOf(2);
    const seen: string[] = [];
    const unsubscribe = fleet.afterUplink((device, uplink) => {
      seen.push(`${device.deviceId}:${uplink.uplink_message.f_cnt ?? 0}:${device.nextDownlinkFCnt()}`);
    });
    for (const device of fleet) device.join(at(0));
    for (const device of fleet) await device.notifyAfterUplink(device.uplink(at(1)));
    const first = fleet.devices[0]!;
    await first.notifyAfterUplink(first.uplink(at(2)));
    expect(seen).toEqual(["sim-sensor-001:0:0", "sim-sensor-002:0:0", "sim-sensor-001:1:1"]);
    unsubscribe();
    await first.notifyAfterUplink(first.uplink(at(3)));
    expect(seen).toHaveLength(3);
  });

  it("run every listener even when one fails, then report the failure", async () => {
    const device = fleetOf(1).devices[0]!;
    const calls: string[] = [];
    device.afterUplink(() => {
      throw new Error("queue unavailable");
    });
    device.afterUplink(async () => {
      calls.push("second");
    });
    device.join(at(0));
    const failure = device.notifyAfterUplink(device.uplink(at(1)));
    await expect(failure).rejects.toThrow(UplinkListenerError);
    await expect(failure).rejects.toThrow(/queue unavailable/);
    expect(calls).toEqual(["second"]);
  });

  it("refuse options TTS would refuse", () => {
    expect(() => createSimulatedDevices({ count: -1, stackName: "demo" })).toThrow(InvalidSimulatorOptionsError);
    expect(() => createSimulatedDevices({ count: 1, stackName: "1demo" })).toThrow(/stack name/);
    expect(() => createSimulatedDevices({ count: 1, stackName: "demo", applicationId: "App_1" })).toThrow(
      /application ID/,
    );
    expect(createSimulatedDevices({ count: 0, stackName: "demo" }).size).toBe(0);
  });
});

describe("simulated device IDs for the bridge", () => {
  it("name the same thing the bridge will create", async () => {
    const { thingNameFor } = await import("../../../functions/core/thing-name.ts");
    const device = fleetOf(1).devices[0]!;
    expect(thingNameFor(device.endDeviceIds, "DevEUI", "demo")).toBe(device.devEui);
    expect(thingNameFor(device.endDeviceIds, "DeviceID", "demo")).toBe("demo_sim-sensor-001");
    device.join(at(0));
    expect(device.endDeviceIds).toEqual(device.uplink(at(1)).end_device_ids);
  });
});
