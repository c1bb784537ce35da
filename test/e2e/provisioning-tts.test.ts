/**
 * The whole offline loop of "Create devices from AWS" (issue 12, DESIGN §6) against the simulated
 * TTS's four device registries: create-thing → device in IS, JS, NS and AS → keys gone from the thing
 * → the device joins → its thing's shadow → its first republished uplink; a failure at each registry
 * rolled back in the simulator's state; a key without DEVICES_WRITE_KEYS; a repeated created event;
 * another deployment's or type's thing; deletion on and off; and no root key in any execution's logs or
 * history, in the TTS API's request record, or in the feedback.
 *
 * Registry events as AWS IoT publishes them: AWS IoT Core Developer Guide, "Registry events"
 * (https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html).
 */
import { paginateDescribeLogGroups, paginateFilterLogEvents } from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateThingCommand,
  CreateThingTypeCommand,
  DeleteThingCommand,
  DescribeThingCommand,
} from "@aws-sdk/client-iot";
import { GetThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TtsRegistry } from "../../functions/tts/end-devices.ts";
import { sdkClients, temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import { connect, recorder } from "../../local/harness/mqtt-client.ts";
import type { LocalConfig } from "../../local/runtime/config.ts";
import type { LocalRuntime } from "../../local/runtime/runtime.ts";
import { DEFAULT_APPLICATION_ID, REDACTED } from "../../local/tts-simulator/index.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { startTestRuntime } from "../support/local-runtime.ts";

const APP = DEFAULT_APPLICATION_ID;
const STACK = "e2e";
const JOIN_EUI = "70B3D57ED0000000";
/** Every root key handed to a thing in this file: none may show anywhere but in the Join Server. */
const rootKeys: string[] = [];

const devEui = (n: number) => `70B3D57ED00010${n.toString(16).toUpperCase().padStart(2, "0")}`;
const deviceIdOf = (n: number) => `eui-${devEui(n).toLowerCase()}`;
const appKeyOf = (n: number) => {
  const key = `2B7E151628AED2A6ABF7158809CF4F${n.toString(16).toUpperCase().padStart(2, "0")}`;
  if (!rootKeys.includes(key)) rootKeys.push(key);
  return key;
};

interface Harness {
  runtime: LocalRuntime;
  clients: MqttClient[];
  feedback: Awaited<ReturnType<typeof recorder>>;
  uplinks: Awaited<ReturnType<typeof recorder>>;
  executions: ExecutionSummary[];
}

/** A runtime with provisioning on, and MQTT applications watching the feedback and the republished uplinks. */
function useProvisioningRuntime(overrides: Partial<LocalConfig>): Harness {
  const dataDir = temporaryDataDir();
  const harness = { clients: [] as MqttClient[], executions: [] as ExecutionSummary[] } as Harness;
  beforeAll(async () => {
    harness.runtime = await startTestRuntime(
      { dataDir: dataDir.path, provisioning: "on", devices: 1, interval: 3600, ...overrides },
      { onExecution: (summary) => harness.executions.push(summary), simulatorScheduled: false },
    );
    const watcher = async (name: string, filter: string) => {
      const client = await connect(harness.runtime.urls.mqtt, name);
      harness.clients.push(client);
      return recorder(client, filter);
    };
    harness.feedback = await watcher("provisioning-feedback-watcher", "lorawan/+/provisioning/#");
    harness.uplinks = await watcher("provisioning-uplink-watcher", "lorawan/+/uplink");
  }, 60_000);
  afterAll(async () => {
    for (const client of harness.clients) await client.endAsync();
    await harness.runtime?.close();
    dataDir.remove();
  });
  return harness;
}

function createThing(
  runtime: LocalRuntime,
  n: number,
  attributes: Record<string, string> = {},
  thingTypeName = "lorawan",
) {
  return sdkClients(runtime).iot.send(
    new CreateThingCommand({
      thingName: devEui(n),
      thingTypeName,
      attributePayload: {
        attributes: { devEUI: devEui(n), joinEUI: JOIN_EUI, appKey: appKeyOf(n), stackName: STACK, ...attributes },
      },
    }),
  );
}

/** The next feedback message for thing n after the `seen` ones of it. */
async function nextFeedback(harness: Harness, n: number, seen = 0) {
  const prefix = `lorawan/${devEui(n)}/provisioning/`;
  const ofThing = () => harness.feedback.messages.filter(({ topic }) => topic.startsWith(prefix));
  await expect.poll(() => ofThing().length, { timeout: 30_000 }).toBeGreaterThan(seen);
  const message = ofThing()[seen]!;
  return {
    outcome: message.topic.slice(prefix.length),
    json: JSON.parse(message.payload.toString()) as Record<string, unknown>,
    at: message.at,
  };
}

const holding = (runtime: LocalRuntime, n: number): TtsRegistry[] =>
  runtime.ttsApi!.registries.holding(APP, deviceIdOf(n));

const executionsOf = (harness: Harness, n: number) =>
  harness.executions.filter(
    (summary) =>
      summary.workflow === "provisioning" && (summary.input as { thingName?: string }).thingName === devEui(n),
  );

describe("provisioning against the simulated TTS, deleteInTts on", () => {
  const harness = useProvisioningRuntime({ deleteInTts: "on" });

  it("create-thing → IS, JS, NS, AS → keys gone from the thing → join → shadow → first republished uplink", async () => {
    const { runtime } = harness;
    const tts = runtime.ttsApi!;
    const requestsBefore = tts.requestCount;
    const started = performance.now();
    await createThing(runtime, 1);

    const created = await nextFeedback(harness, 1);
    expect(created.outcome).toBe("created");
    expect(created.json).toMatchObject({
      thingName: devEui(1),
      device: { applicationId: APP, deviceId: deviceIdOf(1), devEui: devEui(1), joinEui: JOIN_EUI },
      newInTts: true,
    });
    expect(holding(runtime, 1)).toEqual(["is", "js", "ns", "as"]);
    expect(tts.registries.join.get(APP, deviceIdOf(1))).toMatchObject({
      ids: { dev_eui: devEui(1), join_eui: JOIN_EUI },
      root_keys: { app_key: { key: appKeyOf(1) } },
    });
    expect(tts.registries.network.get(APP, deviceIdOf(1))).toMatchObject({
      frequency_plan_id: "EU_863_870_TTN",
      lorawan_version: "MAC_V1_0_3",
      lorawan_phy_version: "PHY_V1_0_3_REV_A",
      supports_join: true,
    });
    // The TTS calls of one provisioned device: one per registry, in DESIGN §6's order.
    const calls = tts.requests({ since: requestsBefore });
    const device = `applications/${APP}/devices/${deviceIdOf(1)}`;
    expect(calls.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
      `POST /api/v3/applications/${APP}/devices 200`,
      `PUT /api/v3/js/${device} 200`,
      `PUT /api/v3/ns/${device} 200`,
      `PUT /api/v3/as/${device} 200`,
    ]);

    const thing = await sdkClients(runtime).iot.send(new DescribeThingCommand({ thingName: devEui(1) }));
    expect(thing.attributes).toMatchObject({ deviceID: deviceIdOf(1), applicationID: APP, devEUI: devEui(1) });
    expect(thing.attributes).not.toHaveProperty("appKey");
    expect(thing.thingTypeName).toBe("lorawan");

    // Complete in the four registries, the device is one of the simulator's: it joins and sends.
    expect(runtime.simulator!.fleet.find(deviceIdOf(1))).toBeDefined();
    await runtime.simulator!.publishJoin(deviceIdOf(1));
    await runtime.simulator!.publishUplink(deviceIdOf(1));
    const uplinkTopic = `lorawan/${devEui(1)}/uplink`;
    await expect
      .poll(() => harness.uplinks.messages.some(({ topic }) => topic === uplinkTopic), { timeout: 30_000 })
      .toBe(true);
    const uplink = harness.uplinks.messages.find(({ topic }) => topic === uplinkTopic)!;
    const shadow = await sdkClients(runtime).iotData.send(
      new GetThingShadowCommand({ thingName: devEui(1), shadowName: "lorawan" }),
    );
    expect(JSON.parse(new TextDecoder().decode(shadow.payload)).state.reported).toMatchObject({ fCntUp: 0 });
    console.log(
      `create-thing → provisioning/created: ${Math.round(created.at - started)} ms; ` +
        `→ first republished uplink (join and uplink sent at once): ${Math.round(uplink.at - started)} ms; ` +
        `TTS calls per provisioned device: ${calls.length}`,
    );
  }, 90_000);

  // A registry that keeps failing (5xx, after processing where a registry stores: it has the device)
  // fails the saga with the last error once the ASL's retries are spent; every registry reached is emptied.
  it.each<[number, TtsRegistry, "errorBeforeProcessing" | "errorAfterProcessing", TtsRegistry[]]>([
    [2, "is", "errorBeforeProcessing", []],
    [3, "js", "errorAfterProcessing", ["js", "is"]],
    [4, "ns", "errorAfterProcessing", ["ns", "js", "is"]],
    [5, "as", "errorAfterProcessing", ["as", "ns", "js", "is"]],
  ])(
    "thing %i: a failing %s (%s) is rolled back in every registry",
    async (n, registry, kind, rolledBack) => {
      const { runtime } = harness;
      const tts = runtime.ttsApi!;
      const action = registry === "is" ? "is.create" : `${registry}.set`;
      tts.faults.inject({ kind, action, status: 503, count: 10 } as Parameters<typeof tts.faults.inject>[0]);
      try {
        await createThing(runtime, n);
        const failed = await nextFeedback(harness, n);
        expect(failed.outcome).toBe("failed");
        expect(failed.json).toMatchObject({
          error: { name: "TtsUnavailable", message: expect.stringContaining("503") },
          rolledBack,
          rollbackFailed: [],
        });
        expect(holding(runtime, n)).toEqual([]);
        expect(runtime.simulator!.fleet.find(deviceIdOf(n))).toBeUndefined();
        await expect.poll(() => executionsOf(harness, n).at(-1)?.status, { timeout: 10_000 }).toBe("FAILED");
        expect(executionsOf(harness, n).at(-1)).toMatchObject({ error: "TtsUnavailable" });
        // Nothing recorded on the thing: fix TTS and create it again, the keys are still there.
        const thing = await sdkClients(runtime).iot.send(new DescribeThingCommand({ thingName: devEui(n) }));
        expect(thing.attributes).toHaveProperty("appKey");
        expect(thing.attributes).not.toHaveProperty("deviceID");
      } finally {
        tts.faults.reset();
      }
    },
    90_000,
  );

  it("an Identity Server create whose answer was lost, then a failure: the retry's device is still rolled back", async () => {
    const { runtime } = harness;
    const tts = runtime.ttsApi!;
    // The create is stored but answered 503: the retry meets "already exists" for the device this execution made.
    tts.faults.inject({ kind: "errorAfterProcessing", action: "is.create", status: 503, count: 1 });
    tts.faults.inject({ kind: "errorBeforeProcessing", action: "ns.set", status: 503, count: 10 });
    try {
      await createThing(runtime, 12);
      const failed = await nextFeedback(harness, 12);
      expect(failed.outcome).toBe("failed");
      expect(failed.json).toMatchObject({ error: { name: "TtsUnavailable" }, rolledBack: ["ns", "js", "is"] });
      expect(holding(runtime, 12)).toEqual([]);
    } finally {
      tts.faults.reset();
    }
  }, 60_000);

  it("a key without RIGHT_APPLICATION_DEVICES_WRITE_KEYS: TtsUnauthorized naming the right, nothing left", async () => {
    const { runtime } = harness;
    runtime.ttsApi!.faults.withholdRights(["RIGHT_APPLICATION_DEVICES_WRITE_KEYS"]);
    try {
      await createThing(runtime, 6);
      const failed = await nextFeedback(harness, 6);
      expect(failed.outcome).toBe("failed");
      expect(failed.json).toMatchObject({
        error: { name: "TtsUnauthorized", message: expect.stringContaining("RIGHT_APPLICATION_DEVICES_WRITE_KEYS") },
        rolledBack: ["js", "is"],
        rollbackFailed: [],
      });
      expect(holding(runtime, 6)).toEqual([]);
    } finally {
      runtime.ttsApi!.faults.reset();
    }
  }, 60_000);

  it("a repeated created event (at least once) creates the device once, both executions succeed", async () => {
    const { runtime } = harness;
    const events = await connect(runtime.urls.mqtt, "provisioning-event-watcher");
    harness.clients.push(events);
    const seen = await recorder(events, `$aws/events/thing/${devEui(7)}/created`);
    await createThing(runtime, 7);
    const [event] = await seen.waitFor(1);
    await runtime.broker.publish(event!.topic, event!.payload, { qos: 1 });

    await expect.poll(() => executionsOf(harness, 7).length, { timeout: 30_000 }).toBe(2);
    expect(executionsOf(harness, 7).map(({ status }) => status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(holding(runtime, 7)).toEqual(["is", "js", "ns", "as"]);
    expect(
      runtime.ttsApi!.registries.identity.list().filter((d) => JSON.stringify(d).includes(devEui(7))),
    ).toHaveLength(1);
    const outcomes = harness.feedback.messages
      .filter(({ topic }) => topic.startsWith(`lorawan/${devEui(7)}/`))
      .map(({ topic }) => topic.split("/").at(-1));
    expect(outcomes).not.toContain("failed");
    expect(outcomes).toContain("created");
  }, 60_000);

  it("ignores another deployment's thing and another type's: no execution, no TTS call", async () => {
    const { runtime } = harness;
    await sdkClients(runtime).iot.send(new CreateThingTypeCommand({ thingTypeName: "lorawan-other" }));
    const requestsBefore = runtime.ttsApi!.requestCount;
    await createThing(runtime, 8, { stackName: "another-stack" });
    await createThing(runtime, 9, {}, "lorawan-other");
    // One of ours after them: once it is provisioned, theirs would have been started long before.
    await createThing(runtime, 10);
    expect((await nextFeedback(harness, 10)).outcome).toBe("created");
    expect(executionsOf(harness, 8)).toEqual([]);
    expect(executionsOf(harness, 9)).toEqual([]);
    expect(holding(runtime, 8)).toEqual([]);
    expect(holding(runtime, 9)).toEqual([]);
    // Thing 10's four calls, no other.
    const calls = runtime.ttsApi!.requests({ since: requestsBefore });
    expect(calls.map(({ method }) => method)).toEqual(["POST", "PUT", "PUT", "PUT"]);
    expect(JSON.stringify(calls)).not.toMatch(new RegExp(`${devEui(8)}|${devEui(9)}`, "i"));
  }, 60_000);

  it("fails invalid attributes by name, before any TTS call, listing every problem without a value", async () => {
    const { runtime } = harness;
    const requestsBefore = runtime.ttsApi!.requestCount;
    await createThing(runtime, 11, { joinEUI: "", appKey: "not-a-key", lorawanVersion: "2.0" });
    const failed = await nextFeedback(harness, 11);
    expect(failed.outcome).toBe("failed");
    expect(failed.json).toMatchObject({ device: null, error: { name: "MissingJoinEui" }, rolledBack: [] });
    const message = (failed.json["error"] as { message: string }).message;
    expect(message).toContain("lorawanVersion must be one of");
    expect(message).toContain("appKey must be 32 hexadecimal digits");
    expect(message).not.toContain("not-a-key");
    expect(runtime.ttsApi!.requestCount).toBe(requestsBefore);
  }, 60_000);

  it("deleting a provisioned thing deletes its device from AS, NS, JS and IS", async () => {
    const { runtime } = harness;
    const requestsBefore = runtime.ttsApi!.requestCount;
    const seen = harness.feedback.messages.filter(({ topic }) => topic.startsWith(`lorawan/${devEui(1)}/`)).length;
    await sdkClients(runtime).iot.send(new DeleteThingCommand({ thingName: devEui(1) }));
    const deleted = await nextFeedback(harness, 1, seen);
    expect(deleted.outcome).toBe("deleted");
    expect(deleted.json).toMatchObject({ device: { applicationId: APP, deviceId: deviceIdOf(1) } });
    expect(holding(runtime, 1)).toEqual([]);
    expect(runtime.simulator!.fleet.find(deviceIdOf(1))).toBeUndefined();
    const device = `applications/${APP}/devices/${deviceIdOf(1)}`;
    expect(runtime.ttsApi!.requests({ since: requestsBefore }).map(({ method, path }) => `${method} ${path}`)).toEqual([
      `DELETE /api/v3/as/${device}`,
      `DELETE /api/v3/ns/${device}`,
      `DELETE /api/v3/js/${device}`,
      `DELETE /api/v3/${device}`,
    ]);
  }, 60_000);

  it("no root key in any log group, execution history, TTS request record or feedback message", async () => {
    const { runtime } = harness;
    // The search means something: the keys did reach TTS, and the logs and history are full.
    expect(runtime.ttsApi!.registries.join.get(APP, deviceIdOf(7))).toMatchObject({
      root_keys: { app_key: { key: appKeyOf(7) } },
    });
    const { logs } = sdkClients(runtime);
    const logText: string[] = [];
    for await (const page of paginateDescribeLogGroups({ client: logs }, {})) {
      for (const group of page.logGroups ?? []) {
        for await (const events of paginateFilterLogEvents({ client: logs }, { logGroupName: group.logGroupName! })) {
          for (const event of events.events ?? []) logText.push(event.message ?? "");
        }
      }
    }
    const history = JSON.stringify(runtime.aws.executionStore.list());
    const requests = JSON.stringify(runtime.ttsApi!.requests());
    const feedback = harness.feedback.messages.map(({ payload }) => payload.toString()).join("\n");
    expect(logText.length).toBeGreaterThan(50);
    expect(history).toContain("CreateInJS");
    expect(requests).toContain(REDACTED);

    const haystacks = { logs: logText.join("\n"), history, requests, feedback };
    for (const key of rootKeys) {
      for (const [where, text] of Object.entries(haystacks)) {
        expect({ where, found: text.toUpperCase().includes(key) }).toEqual({ where, found: false });
      }
    }
  }, 60_000);
});

describe("provisioning against the simulated TTS, deleteInTts off (the default)", () => {
  const harness = useProvisioningRuntime({});

  it("deleting the thing leaves the TTS device alone: no rule on deleted things", async () => {
    const { runtime } = harness;
    await createThing(runtime, 20);
    expect((await nextFeedback(harness, 20)).outcome).toBe("created");
    await sdkClients(runtime).iot.send(new DeleteThingCommand({ thingName: devEui(20) }));
    // A thing of ours created after the delete: once it is provisioned, a deleted-rule execution would be there.
    await createThing(runtime, 21);
    expect((await nextFeedback(harness, 21)).outcome).toBe("created");
    await expect.poll(() => runtime.inbox.backlog.messages, { timeout: 10_000 }).toBe(0);
    expect(executionsOf(harness, 20)).toHaveLength(1);
    expect(holding(runtime, 20)).toEqual(["is", "js", "ns", "as"]);
    expect(harness.feedback.messages.map(({ topic }) => topic)).not.toContain(
      `lorawan/${devEui(20)}/provisioning/deleted`,
    );
  }, 90_000);
});
