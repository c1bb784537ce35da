import { ListThingsCommand } from "@aws-sdk/client-iot";
import { describe, expect, it } from "vitest";
import { createSimulatedDevices } from "../../local/tts-simulator/index.ts";
import { sdkClients } from "../../local/harness/embedded-runtime.ts";
import { useTestRuntime } from "../support/local-runtime.ts";
import { connect, recorder } from "../../local/harness/mqtt-client.ts";

const ctx = useTestRuntime();

describe("100 devices × 10 uplinks", () => {
  it("republishes exactly 1000 uplinks, 10 per device, none lost or doubled", { timeout: 120_000 }, async () => {
    const fleet = createSimulatedDevices({ count: 100, stackName: "e2e", seed: 42 });
    const tts = await connect(ctx.runtime.urls.mqtt, "thethings-e2e");
    const app = await connect(ctx.runtime.urls.mqtt, "application");
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
    await ctx.runtime.workflows.idle();

    expect(uplinks.messages).toHaveLength(1000);
    const perThing = new Map<string, number[]>();
    for (const message of uplinks.messages) {
      const thing = message.topic.split("/")[1]!;
      const fCnt = (JSON.parse(message.payload.toString()) as { uplink_message: { f_cnt?: number } }).uplink_message.f_cnt ?? 0;
      perThing.set(thing, [...(perThing.get(thing) ?? []), fCnt]);
    }
    expect(perThing.size).toBe(100);
    for (const counters of perThing.values()) expect(new Set(counters).size).toBe(10);

    const { iot } = sdkClients(ctx.runtime);
    const things = await iot.send(new ListThingsCommand({ attributeName: "stackName", attributeValue: "e2e", maxResults: 250 }));
    expect(things.things).toHaveLength(100);
    expect(ctx.runtime.ruleFailures).toEqual([]);
    await Promise.all([tts.endAsync(), app.endAsync()]);
  });
});
