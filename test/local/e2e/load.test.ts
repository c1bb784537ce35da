import { ListThingsCommand } from "@aws-sdk/client-iot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../../local/runtime/runtime.ts";
import { createSimulatedDevices } from "../../../local/tts-simulator/index.ts";
import { sdkClients, startTestRuntime, temporaryDataDir } from "../../support/local-runtime.ts";
import { connect, recorder } from "../../support/mqtt.ts";

const dataDir = temporaryDataDir();
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime({ dataDir: dataDir.path });
});

afterAll(async () => {
  await runtime?.close();
  dataDir.remove();
});

describe("100 devices × 10 uplinks", () => {
  it("republishes exactly 1000 uplinks, 10 per device, none lost or doubled", { timeout: 120_000 }, async () => {
    const fleet = createSimulatedDevices({ count: 100, stackName: "e2e", seed: 42 });
    const tts = await connect(runtime.urls.mqtt, "thethings-e2e");
    const app = await connect(runtime.urls.mqtt, "application");
    const uplinks = await recorder(app, "lorawan/+/uplink");

    const publishes: Promise<unknown>[] = [];
    for (const device of fleet) publishes.push(tts.publishAsync("thethings/lorawan/e2e/join", JSON.stringify(device.join()), { qos: 1 }));
    for (let round = 0; round < 10; round++) {
      for (const device of fleet) {
        publishes.push(tts.publishAsync("thethings/lorawan/e2e/uplink", JSON.stringify(device.uplink()), { qos: 1 }));
      }
    }
    await Promise.all(publishes);
    await uplinks.waitFor(1000, 90_000);
    await runtime.workflows.idle();

    expect(uplinks.messages).toHaveLength(1000);
    const perThing = new Map<string, number[]>();
    for (const message of uplinks.messages) {
      const thing = message.topic.split("/")[1]!;
      const fCnt = (JSON.parse(message.payload.toString()) as { uplink_message: { f_cnt?: number } }).uplink_message.f_cnt ?? 0;
      perThing.set(thing, [...(perThing.get(thing) ?? []), fCnt]);
    }
    expect(perThing.size).toBe(100);
    for (const counters of perThing.values()) expect(new Set(counters).size).toBe(10);

    const { iot } = sdkClients(runtime);
    const things = await iot.send(new ListThingsCommand({ attributeName: "stackName", attributeValue: "e2e", maxResults: 250 }));
    expect(things.things).toHaveLength(100);
    expect(runtime.ruleFailures).toEqual([]);
    await Promise.all([tts.endAsync(), app.endAsync()]);
  });
});
