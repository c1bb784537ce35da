/**
 * The simulated TTS's rights, pub/sub and device registries over real HTTP (fetch, and the functions'
 * own TTS module), with a real broker: a device provisioned the way DESIGN §6 orders the calls joins
 * and sends uplinks, and stops when deleted. Expected answers are lorawan-stack v3.32.1's (see
 * tts-registries-parts.test.ts for the sources).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callTts } from "../../../functions/tts/http.ts";
import { deletePubSubRequest, setAwsIotPubSubRequest } from "../../../functions/tts/pubsub.ts";
import {
  DEPLOYMENT_RIGHTS,
  startTtsApi,
  startTtsSimulator,
  type TtsApi,
  type TtsRight,
  type TtsSimulator,
} from "../../../local/tts-simulator/index.ts";
import type { LooseJson } from "../../support/fixtures.ts";
import { examplePubSub, provisioningCalls } from "../../support/tts-provisioning.ts";
import { type Subscriber, sleep, startTestBroker, subscribe, type TestBroker } from "./mqtt-harness.ts";

const STACK = "reg-test";
const APP = "tts-aws-iot-sim";
const KEY = "NNSXS.REGISTRYTEST.SECRETPART";
const APP_KEY = "8F3A9C1D2E4B5A6978695A4B3C2D1E0F";
const DEVICE = "eui-70b3d57ed0000042";
const IDS = { device_id: DEVICE, dev_eui: "70B3D57ED0000042", join_eui: "0000000000000077" };

let broker: TestBroker;
let subscriber: Subscriber;
let simulator: TtsSimulator;
let tts: TtsApi;

async function start(options: { rights?: readonly TtsRight[]; intervalSeconds?: number } = {}) {
  broker = await startTestBroker();
  subscriber = await subscribe(broker.url, `thethings/lorawan/${STACK}/#`);
  simulator = await startTtsSimulator({
    mqttUrl: broker.url,
    stackName: STACK,
    devices: 1,
    intervalSeconds: options.intervalSeconds ?? 1,
    seed: 7,
    scheduled: options.intervalSeconds !== undefined,
  });
  tts = await startTtsApi({
    host: "127.0.0.1",
    port: 0,
    simulator,
    apiKeys: new Map([[APP, options.rights === undefined ? KEY : { key: KEY, rights: options.rights }]]),
  });
}

afterEach(async () => {
  await tts?.close();
  await simulator?.stop();
  await subscriber?.close();
  await broker?.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: LooseJson }> {
  const response = await fetch(`${tts.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as LooseJson };
}

const devicePath = (server: "js" | "ns" | "as" | "", device = DEVICE) =>
  `/api/v3/${server === "" ? "" : `${server}/`}applications/${APP}/devices/${device}`;

/** The four calls of DESIGN §6, in order, as the provisioning workflow makes them: their statuses. */
async function provision(): Promise<number[]> {
  const statuses: number[] = [];
  for (const { method, path, body } of provisioningCalls(APP, IDS, APP_KEY))
    statuses.push((await call(method, path, body)).status);
  return statuses;
}

const fromDevice = (topic: string) => (messages: readonly { topic: string; json: LooseJson }[]) =>
  messages.filter(
    (message) =>
      message.topic === `thethings/lorawan/${STACK}/${topic}` &&
      (message.json["end_device_ids"] as LooseJson | undefined)?.["device_id"] === DEVICE,
  );

describe("device registries over HTTP", () => {
  beforeEach(() => start({ intervalSeconds: 0.2 }));

  it("a device provisioned in all four joins and sends uplinks with its EUIs; deleting it stops it", async () => {
    expect(await provision()).toEqual([200, 200, 200, 200]);
    expect(simulator.fleet.find(DEVICE)?.devEui).toBe(IDS.dev_eui);

    await subscriber.waitUntil((messages) => fromDevice("uplink")(messages).length >= 2, 15_000);
    const [join] = fromDevice("join")(subscriber.messages);
    expect(join?.json["end_device_ids"]).toMatchObject({
      device_id: DEVICE,
      application_ids: { application_id: APP },
      dev_eui: IDS.dev_eui,
      join_eui: IDS.join_eui,
    });

    expect((await call("DELETE", devicePath("as"))).status).toBe(200);
    expect(simulator.fleet.find(DEVICE)).toBeUndefined();
    const seen = fromDevice("uplink")(subscriber.messages).length;
    await sleep(1_500);
    // One uplink may have been on its way when the device was deleted; none is sent after it.
    expect(fromDevice("uplink")(subscriber.messages).length).toBeLessThanOrEqual(seen + 1);
  });
});

describe("TTS answers over HTTP", () => {
  beforeEach(() => start());

  it("lists the key's rights with the implied ones, and what the key is, never its secret", async () => {
    expect(await call("GET", `/api/v3/applications/${APP}/rights`)).toEqual({
      status: 200,
      // A key given alone holds what the deployment needs, none implying more.
      json: { rights: [...DEPLOYMENT_RIGHTS] },
    });
    // TTS lists no rights (200 `{}`) on an application the key does not belong to; anything else there is 403.
    expect(await call("GET", "/api/v3/applications/other-app/rights")).toEqual({ status: 200, json: {} });
    expect((await call("GET", "/api/v3/as/pubsub/other-app")).json["details"]).toMatchObject([
      { name: "no_application_rights", attributes: { uid: "other-app" } },
    ]);
    const info = await call("GET", "/api/v3/auth_info");
    expect(info.json).toEqual({
      api_key: {
        api_key: { id: "REGISTRYTEST", rights: expect.arrayContaining(["RIGHT_APPLICATION_INFO"]) },
        entity_ids: { application_ids: { application_id: APP } },
      },
    });
    expect(JSON.stringify(info.json)).not.toContain("SECRETPART");
  });

  it("answers a duplicate device with 409 id_taken in TTS's error body, and an unknown one with 404", async () => {
    await provision();
    const again = await call("POST", `/api/v3/applications/${APP}/devices`, { end_device: { ids: IDS } });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({
      code: 6,
      message: "error:pkg/util/store:id_taken (ID already taken, choose a different one and try again)",
      details: [
        { "@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails", namespace: "pkg/util/store", name: "id_taken" },
      ],
    });
    const missing = await call("GET", devicePath("ns", "eui-0000000000000000"));
    expect(missing.status).toBe(404);
    expect(missing.json["message"]).toBe("error:pkg/networkserver:device_not_found (device not found)");
  });

  it("fails the faulted registry only: a js.set 503 stores nothing, and the compensating delete succeeds", async () => {
    tts.faults.inject({ kind: "errorBeforeProcessing", action: "js.set", status: 503 });
    expect(await provision()).toEqual([200, 503, 200, 200]);
    expect(tts.registries.join.get(APP, DEVICE)).toBeUndefined();
    expect(simulator.fleet.find(DEVICE)).toBeUndefined();
    expect((await call("DELETE", devicePath(""))).status).toBe(200);
    expect(tts.registries.identity.get(APP, DEVICE)).toBeUndefined();
  });

  it("reads the device back from the Join Server with the root key only for READ_KEYS, and records no key", async () => {
    const since = tts.requestCount;
    await provision();
    const read = await call("GET", `${devicePath("js")}?field_mask=root_keys.app_key.key`);
    expect(read.status).toBe(403);
    expect(read.json["details"]).toMatchObject([
      { name: "insufficient_application_rights", attributes: { missing: ["RIGHT_APPLICATION_DEVICES_READ_KEYS"] } },
    ]);
    expect(tts.registries.join.get(APP, DEVICE)?.["root_keys"]).toEqual({ app_key: { key: APP_KEY } });
    const recorded = JSON.stringify(tts.requests({ since }));
    expect(recorded).toContain("(redacted)");
    expect(recorded).not.toContain(APP_KEY);
  });

  it("takes configure-tts-pubsub's own set and delete, through the functions' TTS module", async () => {
    const pubSub = examplePubSub(APP);
    const send = (request: { method: "PUT" | "DELETE"; path: string; body?: unknown }) =>
      callTts({ ttsUrl: tts.url, apiKey: KEY, timeoutMs: 5_000, ...request });
    expect(await send(setAwsIotPubSubRequest(pubSub))).toMatchObject({ reached: true, status: 200 });
    const got = await call("GET", `/api/v3/as/pubsub/${APP}/aws-iot-prod?field_mask=provider.aws_iot.region`);
    expect(got.json).toMatchObject({ aws_iot: { region: "eu-west-1", default: { stack_name: "prod" } } });
    expect(await send(deletePubSubRequest(APP, "aws-iot-prod"))).toMatchObject({ reached: true, status: 200 });
    expect(await call("GET", `/api/v3/as/pubsub/${APP}`)).toEqual({ status: 200, json: {} });
  });
});

describe("a key with fewer rights", () => {
  beforeEach(() => start({ rights: ["RIGHT_APPLICATION_LINK"] }));

  it("can read traffic and push downlinks (LINK implies them) but not touch devices or the pub/sub", async () => {
    expect((await call("GET", `/api/v3/applications/${APP}/rights`)).json).toEqual({
      rights: [
        "RIGHT_APPLICATION_INFO",
        "RIGHT_APPLICATION_TRAFFIC_READ",
        "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
        "RIGHT_APPLICATION_LINK",
      ],
    });
    const create = await call("POST", `/api/v3/applications/${APP}/devices`, { end_device: { ids: IDS } });
    expect(create.status).toBe(403);
    expect(create.json["message"]).toBe(
      `error:pkg/auth/rights:insufficient_application_rights (insufficient rights for application \`${APP}\`)`,
    );
    expect(tts.registries.identity.size).toBe(0);
  });

  it("loses withheld rights through /simulator/faults until they are cleared", async () => {
    const faults = `${tts.url}/simulator/faults`;
    const added = await fetch(faults, {
      method: "POST",
      body: JSON.stringify({ kind: "withholdRights", rights: ["RIGHT_APPLICATION_LINK", "RIGHT_APPLICATION_INFO"] }),
    });
    expect(added.status).toBe(201);
    const rightsPath = `/api/v3/applications/${APP}/rights`;
    expect((await call("GET", rightsPath)).json).toEqual({
      rights: ["RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"],
    });
    await fetch(faults, { method: "DELETE" });
    expect((await call("GET", rightsPath)).json["rights"]).toHaveLength(4);
  });
});
