/** The simulated TTS downlink API end to end: real aedes broker, real mqtt.js subscriber, real fetch. */
import { createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseTtsMessage } from "../../../functions/core/tts-message.ts";
import {
  PortInUseError,
  type SimulatedDevice,
  startTtsApi,
  type TtsApi,
  type TtsSimulator,
  TX_SCHEDULE_PRIORITIES,
} from "../../../local/tts-simulator/index.ts";
import type { LooseJson } from "../../support/fixtures.ts";
import { type ReceivedMessage, type Subscriber, sleep, type TestBroker } from "./mqtt-harness.ts";
import { SIMULATED_APP, SIMULATED_KEY, startSimulatedTts, stopSimulatedTts } from "./simulated-tts.ts";

const STACK = "dl-test";
const PREFIX = `thethings/lorawan/${STACK}`;
const APP = SIMULATED_APP;
const KEY = SIMULATED_KEY;
const ULID = /^as:downlink:[0-9A-HJKMNP-TV-Z]{26}$/;

let broker: TestBroker;
let subscriber: Subscriber;
let simulator: TtsSimulator;
let tts: TtsApi;

// Seed 36: the four devices include an SF7 and an SF12 one, which the payload-size test needs.
beforeEach(async () => {
  ({ broker, subscriber, simulator, tts } = await startSimulatedTts({ stack: STACK, devices: 4, seed: 36 }));
});

afterEach(() => stopSimulatedTts({ broker, subscriber, simulator, tts }));

const downPath = (device: string, action = "", app = APP) =>
  `/api/v3/as/applications/${app}/devices/${device}/down${action}`;

function call(
  method: string,
  path: string,
  options: { body?: unknown; key?: string | null | undefined; signal?: AbortSignal } = {},
) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.key !== null) headers["authorization"] = `Bearer ${options.key ?? KEY}`;
  return fetch(`${tts.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

const push = (device: string, downlinks: unknown[], key?: string) =>
  call("POST", downPath(device, "/push"), { body: { downlinks }, key });
const replace = (device: string, downlinks: unknown[]) =>
  call("POST", downPath(device, "/replace"), { body: { downlinks } });

const topics = (messages: readonly ReceivedMessage[]) => messages.map(({ topic }) => topic.slice(PREFIX.length + 1));
const waitForCount = (count: number) => subscriber.waitUntil((messages) => messages.length >= count);

async function joined(deviceId: string): Promise<SimulatedDevice> {
  await simulator.publishJoin(deviceId);
  return simulator.fleet.get(deviceId);
}

describe("TTS downlink queue API", () => {
  it("pushes: answers {}, lists the queue with TTS's own correlation ID, and publishes downlink_queued", async () => {
    const device = await joined("sim-sensor-001");
    const response = await push(device.deviceId, [
      { f_port: 15, frm_payload: "vu8=", confirmed: true, priority: "NORMAL", correlation_ids: ["bridge:exec-1"] },
    ]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});

    const listed = await call("GET", downPath(device.deviceId));
    expect(listed.status).toBe(200);
    const { downlinks } = (await listed.json()) as { downlinks: LooseJson[] };
    expect(downlinks).toHaveLength(1);
    const [queued] = downlinks;
    expect(queued).toMatchObject({
      f_port: 15,
      frm_payload: "vu8=",
      confirmed: true,
      priority: "NORMAL",
      session_key_id: device.session!.sessionKeyId,
    });
    expect(queued!.correlation_ids[0]).toBe("bridge:exec-1");
    expect(queued!.correlation_ids[1]).toMatch(ULID);
    expect(tts.queue(APP, device.deviceId)).toEqual(downlinks);

    await waitForCount(1);
    const [message] = subscriber.messages;
    expect(message!.topic).toBe(`${PREFIX}/downlink/queued`);
    expect(parseTtsMessage(message!.json).kind).toBe("downlinkQueued");
    expect(message!.json).toEqual({
      end_device_ids: device.endDeviceIds,
      correlation_ids: queued!.correlation_ids,
      received_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
      downlink_queued: queued,
    });
    expect(Object.keys(message!.json.end_device_ids).sort()).toEqual([
      "application_ids",
      "dev_addr",
      "dev_eui",
      "device_id",
      "join_eui",
    ]);
  });

  it("appends with push, swaps with replace, keeps every priority, and gives each downlink its own ID", async () => {
    const deviceId = "sim-sensor-002";
    await push(
      deviceId,
      TX_SCHEDULE_PRIORITIES.map((priority, index) => ({ f_port: index + 1, frm_payload: "AQ==", priority })),
    );
    await push(deviceId, [{ f_port: 100, decoded_payload: { led: "on" } }]);
    const queue = tts.queue(APP, deviceId);
    expect(queue.map((d) => d.f_port)).toEqual([1, 2, 3, 4, 5, 6, 7, 100]);
    expect(queue.slice(0, 7).map((d) => d.priority)).toEqual([...TX_SCHEDULE_PRIORITIES]);
    expect(queue[7]).toMatchObject({
      decoded_payload: { led: "on" },
      frm_payload: Buffer.from('{"led":"on"}').toString("base64"),
    });
    expect(new Set(queue.map((d) => d.correlation_ids.at(-1))).size).toBe(8);
    await waitForCount(8);
    // TTS leaves LOWEST (the enum's zero) out of its JSON.
    expect(subscriber.messages[0]!.json.downlink_queued).not.toHaveProperty("priority");
    expect(subscriber.messages[6]!.json.downlink_queued.priority).toBe("HIGHEST");

    expect((await replace(deviceId, [{ f_port: 9, frm_payload: "CQ==" }])).status).toBe(200);
    expect(tts.queue(APP, deviceId).map((d) => d.f_port)).toEqual([9]);
    await waitForCount(9);
    expect(topics(subscriber.messages)).toEqual(Array(9).fill("downlink/queued"));

    expect(await (await replace(deviceId, [])).json()).toEqual({});
    expect(tts.queue(APP, deviceId)).toEqual([]);
    expect(await (await call("GET", downPath(deviceId))).json()).toEqual({}); // TTS omits the empty list
  });

  it("runs the class-A lifecycle: queued, sent at the next uplink, ack at the one after", async () => {
    const device = await joined("sim-sensor-001");
    await push(device.deviceId, [
      { f_port: 10, frm_payload: "AQI=", confirmed: true, priority: "HIGH" },
      { f_port: 11, frm_payload: "Aw==" },
    ]);
    await waitForCount(2);
    const [first, second] = tts.queue(APP, device.deviceId);

    const uplink1 = await simulator.publishUplink(device.deviceId);
    await waitForCount(3);
    expect(tts.queue(APP, device.deviceId)).toEqual([second]);
    const uplink2 = await simulator.publishUplink(device.deviceId);
    await waitForCount(5);
    await simulator.publishUplink(device.deviceId);
    await sleep(100);

    expect(topics(subscriber.messages)).toEqual([
      "downlink/queued",
      "downlink/queued",
      "downlink/sent",
      "downlink/ack",
      "downlink/sent",
    ]);
    const [, , sent1, ack, sent2] = subscriber.messages.map(({ json }) => json);
    for (const message of [sent1, ack, sent2]) expect(message!.end_device_ids).toEqual(device.endDeviceIds);
    // The first downlink of the session has FCnt 0, which TTS leaves out.
    expect(sent1!.downlink_sent).toEqual({ ...first, session_key_id: device.session!.sessionKeyId });
    expect(sent1!.correlation_ids).toEqual([...first!.correlation_ids, ...uplink1.correlation_ids]);
    expect(ack!.downlink_ack).toEqual(sent1!.downlink_sent);
    expect(ack!.correlation_ids).toEqual([...first!.correlation_ids, ...uplink2.correlation_ids]);
    expect(sent2!.downlink_sent).toEqual({ ...second, f_cnt: 1, session_key_id: device.session!.sessionKeyId });
    expect(parseTtsMessage(ack!).kind).toBe("downlinkAck");
    expect(device.session!.fCntDown).toBe(2);
    expect(tts.queue(APP, device.deviceId)).toEqual([]);
  });

  it("nacks a confirmed downlink when the fault says so", async () => {
    const device = await joined("sim-sensor-001");
    tts.faults.nackNext();
    await push(device.deviceId, [{ f_port: 1, frm_payload: "AQ==", confirmed: true }]);
    await simulator.publishUplink(device.deviceId);
    await simulator.publishUplink(device.deviceId);
    await waitForCount(3);
    expect(topics(subscriber.messages)).toEqual(["downlink/queued", "downlink/sent", "downlink/nack"]);
    expect(parseTtsMessage(subscriber.messages[2]!.json).kind).toBe("downlinkNack");
  });

  it("fails a payload too long for SF12 with application_downlink_too_long, and sends the next one that fits", async () => {
    await Promise.all(simulator.devices.map((device) => simulator.publishJoin(device.deviceId)));
    const slow = simulator.devices.find((device) => device.dataRate.spreadingFactor === 12);
    const fast = simulator.devices.find((device) => device.dataRate.spreadingFactor === 7);
    expect(slow && fast).toBeDefined();
    const long = Buffer.alloc(52, 1).toString("base64");
    const longJson = { text: "x".repeat(50) }; // 61 bytes as JSON

    await push(slow!.deviceId, [
      { f_port: 2, frm_payload: long },
      { f_port: 3, decoded_payload: longJson },
      { f_port: 4, frm_payload: Buffer.alloc(51).toString("base64") },
    ]);
    await push(fast!.deviceId, [{ f_port: 2, frm_payload: long }]);
    await waitForCount(4);
    const [tooLong, tooLongJson] = tts.queue(APP, slow!.deviceId);
    await simulator.publishUplink(slow!.deviceId);
    await simulator.publishUplink(fast!.deviceId);
    await waitForCount(8);

    const events = subscriber.messages
      .slice(4)
      .map(({ topic, json }) => [topic.slice(PREFIX.length + 1), json.end_device_ids.device_id, json] as const);
    expect(events.map(([topic, deviceId]) => [topic, deviceId])).toEqual([
      ["downlink/failed", slow!.deviceId],
      ["downlink/failed", slow!.deviceId],
      ["downlink/sent", slow!.deviceId],
      ["downlink/sent", fast!.deviceId],
    ]);
    const failed = events[0]![2];
    expect(failed.correlation_ids).toEqual(tooLong!.correlation_ids);
    expect(failed.downlink_failed).toEqual({
      downlink: tooLong,
      error: {
        namespace: "pkg/networkserver",
        name: "application_downlink_too_long",
        message_format: "application downlink payload is too long",
        correlation_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        code: 3,
      },
    });
    expect(events[1]![2].downlink_failed.downlink).toEqual(tooLongJson);
    expect(events[2]![2].downlink_sent.f_port).toBe(4);
    expect(events[3]![2].downlink_sent.frm_payload).toBe(long);
    expect(parseTtsMessage(failed).kind).toBe("downlinkFailed");
    expect(tts.queue(APP, slow!.deviceId)).toEqual([]);
  });

  it("answers TTS errors: 401 without or with a wrong key, 404 for unknown application or device", async () => {
    const cases = [
      {
        response: await call("GET", downPath("sim-sensor-001"), { key: null }),
        status: 401,
        code: 16,
        name: "unauthenticated",
      },
      {
        response: await push("sim-sensor-001", [{ f_port: 1, frm_payload: "AQ==" }], "NNSXS.WRONG"),
        status: 401,
        code: 16,
        name: "api_key_not_found",
      },
      {
        // TTS: an application's key has no rights on another application (pkg/auth/rights/require.go).
        response: await call("GET", downPath("sim-sensor-001", "", "other-app")),
        status: 403,
        code: 7,
        name: "no_application_rights",
      },
      { response: await call("GET", downPath("sim-sensor-999")), status: 404, code: 5, name: "end_device_not_found" },
      { response: await call("GET", "/api/v3/as/applications"), status: 404, code: 5, name: "route_not_found" },
      { response: await call("DELETE", downPath("sim-sensor-001")), status: 405, code: 12, name: "method_not_allowed" },
    ];
    for (const { response, status, code, name } of cases) {
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toBe("application/json");
      const body = (await response.json()) as LooseJson;
      expect(body).toEqual({
        code,
        message: expect.stringMatching(new RegExp(`^error:pkg/[a-z/]+:${name} \\(.+\\)$`)),
        details: [
          expect.objectContaining({
            "@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails",
            name,
            code,
            correlation_id: expect.stringMatching(/^[0-9a-f]{32}$/),
          }),
        ],
      });
    }
    const unknownDevice = (await (await call("GET", downPath("sim-sensor-999"))).json()) as LooseJson;
    expect(unknownDevice.message).toBe(
      "error:pkg/identityserver/store:end_device_not_found (end device `sim-sensor-999.tts-aws-iot-sim` not found)",
    );
    expect(tts.queue(APP, "sim-sensor-001")).toEqual([]);
    expect(subscriber.messages).toEqual([]);
  });

  it("answers 400 naming the field, and queues nothing", async () => {
    const cases: Array<[unknown, string]> = [
      [{ downlinks: [{ f_port: 0, frm_payload: "AQ==" }] }, "downlinks[0].f_port"],
      [{ downlinks: [{ f_port: 224, frm_payload: "AQ==" }] }, "downlinks[0].f_port"],
      [{ downlinks: [{ f_port: 1, frm_payload: "AQ==" }, { f_port: 1 }] }, "downlinks[1].frm_payload"],
      [{ downlinks: [{ f_port: 1, frm_payload: "AQ==", decoded_payload: { a: 1 } }] }, "downlinks[0].frm_payload"],
      [{ downlinks: [{ f_port: 1, frm_payload: "AQ==", priority: "URGENT" }] }, "downlinks[0].priority"],
      [{ downlinks: [{ f_port: 1, frm_payload: "AQ==", correlation_ids: "one" }] }, "downlinks[0].correlation_ids"],
      [{ downlinks: [{ f_port: 1, frm_payload: Buffer.alloc(256).toString("base64") }] }, "downlinks[0].frm_payload"],
      ["{not json", "(body)"],
    ];
    for (const [body, field] of cases) {
      const response = await call("POST", downPath("sim-sensor-001", "/push"), { body });
      expect(response.status).toBe(400);
      const json = (await response.json()) as LooseJson;
      expect(json.code).toBe(3);
      expect(json.message).toContain(`invalid \`${field}\``);
      expect(json.details[0]).toMatchObject({
        namespace: "pkg/errors",
        name: "validation",
        code: 3,
        attributes: { field },
      });
    }
    expect(tts.queue(APP, "sim-sensor-001")).toEqual([]);
    await sleep(100);
    expect(subscriber.messages).toEqual([]);
  });
});

describe("TTS API fault injection", () => {
  const ONE = [{ f_port: 1, frm_payload: "AQ==" }];
  const pushes = () => tts.requests().filter(({ path }) => path.endsWith("/down/push"));

  it("refuses with 503 twice, then queues on the third try: TTS saw three pushes and queued one", async () => {
    tts.faults.refuseNext(2, 503);
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await push("sim-sensor-001", ONE)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(pushes().map(({ status }) => status)).toEqual([503, 503, 200]);
    expect(pushes()[0]).toMatchObject({ method: "POST", hasAuthorization: true, body: { downlinks: ONE } });
    expect(tts.queue(APP, "sim-sensor-001")).toHaveLength(1);
    await waitForCount(1);
    await sleep(100);
    expect(topics(subscriber.messages)).toEqual(["downlink/queued"]);
  });

  it("rate-limits with 429 and Retry-After", async () => {
    tts.faults.refuseNext(1, 429, 7);
    tts.faults.refuseNext(1, 429);
    const limited = await push("sim-sensor-001", ONE);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(await limited.json()).toMatchObject({
      code: 8,
      details: [{ namespace: "pkg/ratelimit", name: "rate_limit_exceeded" }],
    });
    const again = await push("sim-sensor-001", ONE);
    expect([again.status, again.headers.get("retry-after")]).toEqual([429, null]);
    expect((await push("sim-sensor-001", ONE)).status).toBe(200);
    expect(pushes()).toHaveLength(3);
  });

  it("delays answers long enough for a client timeout, then answers normally again", async () => {
    tts.faults.delayNext(1, 1_000);
    const started = Date.now();
    const timedOut = call("POST", downPath("sim-sensor-001", "/push"), {
      body: { downlinks: ONE },
      signal: AbortSignal.timeout(200),
    });
    await expect(timedOut).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - started).toBeLessThan(900);
    expect(pushes().map(({ status }) => status)).toEqual([undefined]);

    tts.faults.delayNext(1, 300);
    const slowStarted = Date.now();
    expect((await push("sim-sensor-001", ONE)).status).toBe(200);
    expect(Date.now() - slowStarted).toBeGreaterThanOrEqual(290);
    expect((await push("sim-sensor-001", ONE)).status).toBe(200);
    // The timed-out push still lands once its delay is over, as it would on a slow real TTS:
    // the client cannot tell, which is why its retries must be idempotent.
    await sleep(1_000 - (Date.now() - started) + 100);
    expect(pushes().map(({ status }) => status)).toEqual([200, 200, 200]);
    expect(tts.queue(APP, "sim-sensor-001")).toHaveLength(3);
  });

  it("rejects every key while told to, with 401", async () => {
    tts.faults.rejectKey();
    const rejected = await push("sim-sensor-001", ONE);
    expect(rejected.status).toBe(401);
    expect(await rejected.json()).toMatchObject({ code: 16, details: [{ name: "api_key_not_found" }] });
    tts.faults.acceptKey();
    expect((await push("sim-sensor-001", ONE)).status).toBe(200);
  });

  it("records requests without the key, and counts every one of them", async () => {
    await call("GET", downPath("sim-sensor-001"), { key: null });
    await call("POST", downPath("sim-sensor-001", "/push"), { body: "oops" });
    expect(
      tts
        .requests()
        .map(({ method, path, hasAuthorization, body, status }) => ({ method, path, hasAuthorization, body, status })),
    ).toEqual([
      { method: "GET", path: downPath("sim-sensor-001"), hasAuthorization: false, body: undefined, status: 401 },
      { method: "POST", path: downPath("sim-sensor-001", "/push"), hasAuthorization: true, body: "oops", status: 400 },
    ]);
    expect(JSON.stringify(tts.requests())).not.toContain(KEY);
  });
});

describe("TTS API lifetime", () => {
  const timerCount = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

  it("fails clearly when its port is taken, naming --tts-port", async () => {
    const attempt = startTtsApi({ host: "127.0.0.1", port: tts.port, simulator, apiKeys: new Map() });
    await expect(attempt).rejects.toThrow(PortInUseError);
    await expect(attempt).rejects.toThrow(/--tts-port.*127\.0\.0\.1:\d+ is already in use/);
  });

  it("closes completely: port released, delayed answers dropped, devices unhooked, no timers left", async () => {
    const timersBefore = timerCount();
    const device = await joined("sim-sensor-001");
    await push(device.deviceId, [{ f_port: 1, frm_payload: "AQ==" }]);
    tts.faults.delayNext(1, 10_000);
    const hanging = push(device.deviceId, [{ f_port: 2, frm_payload: "AQ==" }]).then(
      () => "answered",
      () => "dropped",
    );
    await sleep(100);
    const closingStarted = Date.now();
    await tts.close();
    await tts.close();
    expect(Date.now() - closingStarted).toBeLessThan(1_000);
    expect(await hanging).toBe("dropped");
    await expect(fetch(`${tts.url}${downPath(device.deviceId)}`)).rejects.toThrow();

    await simulator.publishUplink(device.deviceId);
    await sleep(200);
    expect(topics(subscriber.messages)).toEqual(["downlink/queued"]);
    expect(timerCount()).toBeLessThanOrEqual(timersBefore);

    // The port is free again.
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(tts.port, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
