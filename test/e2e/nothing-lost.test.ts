/**
 * Nothing lost, nothing doubled: every uplink published with QoS 1 comes out republished exactly
 * once. Small on purpose; `npm run bench` runs the same check at volume.
 */
import { ListThingsCommand } from "@aws-sdk/client-iot";
import { describe, expect, it } from "vitest";
import { sdkClients } from "../../local/harness/embedded-runtime.ts";
import { connect, recorder } from "../../local/harness/mqtt-client.ts";
import { createSimulatedDevices } from "../../local/tts-simulator/index.ts";
import { useTestRuntime } from "../support/local-runtime.ts";

const DEVICES = 10;
const UPLINKS_PER_DEVICE = 3;
const ctx = useTestRuntime();

describe(`${DEVICES} devices × ${UPLINKS_PER_DEVICE} uplinks`, () => {
  it(`republishes exactly ${DEVICES * UPLINKS_PER_DEVICE} uplinks, ${UPLINKS_PER_DEVICE} per device, none lost or doubled`, async () => {
    const fleet = createSimulatedDevices({ count: DEVICES, stackName: "e2e", seed: 42 });
    const tts = await connect(ctx.runtime.urls.mqtt, "thethings-e2e");
    const app = await connect(ctx.runtime.urls.mqtt, "application");
    const uplinks = await recorder(app, "lorawan/+/uplink");

    const publishes: Promise<unknown>[] = [];
    for (const device of fleet)
      publishes.push(tts.publishAsync("thethings/lorawan/e2e/join", JSON.stringify(device.join()), { qos: 1 }));
    for (let round = 0; round < UPLINKS_PER_DEVICE; round++) {
      for (const device of fleet) {
        publishes.push(tts.publishAsync("thethings/lorawan/e2e/uplink", JSON.stringify(device.uplink()), { qos: 1 }));
      }
    }
    await Promise.all(publishes);
    await uplinks.waitFor(DEVICES * UPLINKS_PER_DEVICE);
    await ctx.runtime.workflows.idle();

    expect(uplinks.messages).toHaveLength(DEVICES * UPLINKS_PER_DEVICE);
    const perThing = new Map<string, number[]>();
    for (const message of uplinks.messages) {
      const thing = message.topic.split("/")[1]!;
      const fCnt =
        (JSON.parse(message.payload.toString()) as { uplink_message: { f_cnt?: number } }).uplink_message.f_cnt ?? 0;
      perThing.set(thing, [...(perThing.get(thing) ?? []), fCnt]);
    }
    expect(perThing.size).toBe(DEVICES);
    for (const counters of perThing.values()) expect(new Set(counters).size).toBe(UPLINKS_PER_DEVICE);

    const { iot } = sdkClients(ctx.runtime);
    const things = await iot.send(
      new ListThingsCommand({ attributeName: "stackName", attributeValue: "e2e", maxResults: 250 }),
    );
    expect(things.things).toHaveLength(DEVICES);
    expect(ctx.runtime.ruleFailures).toEqual([]);
    await Promise.all([tts.endAsync(), app.endAsync()]);
  });
});
