/**
 * The downlink path end to end through the embedded default: an application publishes on
 * `lorawan/downlink` with a real MQTT client; the same ASL runs with the real handlers; the TTS
 * simulator's HTTP API takes the downlink (or refuses it, by fault injection) and plays the
 * queued → sent → ack lifecycle back through the upstream path.
 */
import { CreateThingCommand } from "@aws-sdk/client-iot";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sdkClients } from "../../local/harness/embedded-runtime.ts";
import { recorder } from "../../local/harness/mqtt-client.ts";
import type { LocalRuntime } from "../../local/runtime/runtime.ts";
import type { TtsApi, TtsSimulator } from "../../local/tts-simulator/index.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { type DownlinkRuntime, startDownlinkRuntime } from "../support/downlink-runtime.ts";

let runtime: LocalRuntime;
let simulator: TtsSimulator;
let ttsApi: TtsApi;
let app: MqttClient;
let thing: string;
let deviceId: string;
let downlinkExecutions: ExecutionSummary[];
let fixture: DownlinkRuntime;

beforeAll(async () => {
  fixture = await startDownlinkRuntime();
  ({ runtime, simulator, ttsApi, app, thing, deviceId, downlinkExecutions } = fixture);
});

afterAll(() => fixture?.close());

beforeEach(() => ttsApi.faults.reset());

/** Publishes a request and waits for the downlink execution it starts. */
async function request(body: unknown): Promise<ExecutionSummary> {
  const seen = downlinkExecutions.length;
  await app.publishAsync("lorawan/downlink", typeof body === "string" ? body : JSON.stringify(body), { qos: 1 });
  await expect.poll(() => downlinkExecutions.length, { timeout: 20_000 }).toBeGreaterThan(seen);
  return downlinkExecutions[seen]!;
}

/** The queue operations (POSTs) TTS saw from request `since` on (a `requestCount` noted before). */
const queueCallsSince = (since: number) => ttsApi.requests({ since }).filter((call) => call.method === "POST");

async function feedbackFor(topic: string, body: unknown) {
  const failed = await recorder(app, topic);
  const execution = await request(body);
  const [message] = await failed.waitFor(1);
  await app.unsubscribeAsync(topic);
  app.removeAllListeners("message");
  return { execution, feedback: JSON.parse(message!.payload.toString()) };
}

describe("downlink through the embedded default", () => {
  it("enqueues once with the right body, then queued, sent and ack come back on lorawan/<thing>/downlink/…", async () => {
    const before = ttsApi.requestCount;
    const events = await recorder(app, `lorawan/${thing}/downlink/+`);

    const execution = await request({
      thingName: thing,
      bytes: "AQID",
      fPort: 10,
      confirmed: true,
      highPriority: true,
      correlationId: "order-42",
    });

    expect(execution).toMatchObject({ status: "SUCCEEDED", output: { thingName: thing, enqueued: true } });
    const calls = queueCallsSince(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.path).toBe(`/api/v3/as/applications/tts-aws-iot-sim/devices/${deviceId}/down/push`);
    expect(calls[0]!.body).toEqual({
      downlinks: [
        {
          f_port: 10,
          frm_payload: "AQID",
          confirmed: true,
          priority: "HIGH",
          correlation_ids: [`tts-aws-iot:downlink:${execution.name}`, "order-42"],
        },
      ],
    });
    const [queued] = await events.waitFor(1);
    expect(queued!.topic).toBe(`lorawan/${thing}/downlink/queued`);
    expect(JSON.parse(queued!.payload.toString()).correlation_ids).toContain("order-42");

    await simulator.publishUplink(deviceId);
    await events.waitFor(2);
    await simulator.publishUplink(deviceId);
    const all = await events.waitFor(3);
    expect(all.map((message) => message.topic.split("/").at(-1))).toEqual(["queued", "sent", "ack"]);
    app.removeAllListeners("message");
    await app.unsubscribeAsync(`lorawan/${thing}/downlink/+`);
  });

  it("uses down/replace when asked", async () => {
    const before = ttsApi.requestCount;
    const execution = await request({ thingName: thing, payload: { led: "on" }, replace: true });
    expect(execution.status).toBe("SUCCEEDED");
    const [call] = queueCallsSince(before);
    expect(call!.path).toMatch(/\/down\/replace$/);
    expect(call!.body).toMatchObject({
      downlinks: [{ f_port: 1, decoded_payload: { led: "on" }, priority: "NORMAL" }],
    });
  });

  it("looks into the queue after a 503 before pushing again, and enqueues the downlink once", async () => {
    ttsApi.faults.refuseNext(2, 503);
    const before = ttsApi.requestCount;
    const queueBefore = ttsApi.queue("tts-aws-iot-sim", deviceId).length;

    const execution = await request({ thingName: thing, bytes: "BA==" });

    expect(execution.status).toBe("SUCCEEDED");
    // The push (503: TTS may have queued it) → the queue read (503, retried) → not there → push again.
    expect(ttsApi.requests({ since: before }).map((call) => `${call.method} ${call.status}`)).toEqual([
      "POST 503",
      "GET 503",
      "GET 200",
      "POST 200",
    ]);
    expect(ttsApi.queue("tts-aws-iot-sim", deviceId).length).toBe(queueBefore + 1);
  });

  it("gives up on a TTS that keeps refusing (429): failed feedback with tts_unavailable, execution Failed", async () => {
    ttsApi.faults.refuseNext(100, 429);
    const before = ttsApi.requestCount;
    const { execution, feedback } = await feedbackFor(`lorawan/${thing}/downlink/failed`, {
      thingName: thing,
      bytes: "BQ==",
    });

    expect(queueCallsSince(before)).toHaveLength(4);
    expect(execution).toMatchObject({ status: "FAILED", error: "tts_unavailable" });
    expect(feedback.downlink_failed.error).toMatchObject({
      namespace: "tts-aws-iot",
      name: "tts_unavailable",
      code: 14,
    });
    expect(feedback.downlink_failed.error.message_format).toMatch(/TTS answered 429.*not queued after 4 pushes/);
    expect(feedback.end_device_ids).toMatchObject({
      device_id: deviceId,
      application_ids: { application_id: "tts-aws-iot-sim" },
    });
    expect(feedback.downlink_failed.downlink).toMatchObject({ f_port: 1, frm_payload: "BQ==", priority: "NORMAL" });
  });

  it("says tts_outcome_unknown when TTS stays down after a push it may have taken (503, queue unreadable)", async () => {
    ttsApi.faults.refuseNext(100, 503);
    const before = ttsApi.requestCount;
    const { execution, feedback } = await feedbackFor(`lorawan/${thing}/downlink/failed`, {
      thingName: thing,
      bytes: "Bw==",
    });

    // One push, then the queue read and its two retries: never a second push while nobody can tell.
    expect(ttsApi.requests({ since: before }).map((call) => call.method)).toEqual(["POST", "GET", "GET", "GET"]);
    expect(execution).toMatchObject({ status: "FAILED", error: "tts_outcome_unknown" });
    expect(feedback.downlink_failed.error).toMatchObject({ name: "tts_outcome_unknown", code: 2 });
    expect(feedback.downlink_failed.error.message_format).toMatch(/TTS may have queued the downlink.*TTS answered 503/);
  });

  it("reports a refused API key as tts_unauthorized", async () => {
    ttsApi.faults.rejectKey();
    const { execution, feedback } = await feedbackFor(`lorawan/${thing}/downlink/failed`, {
      thingName: thing,
      bytes: "Bg==",
    });
    expect(execution).toMatchObject({ status: "FAILED", error: "tts_unauthorized" });
    expect(feedback.downlink_failed.error).toMatchObject({
      name: "tts_unauthorized",
      code: 16,
      attributes: { http_status: 401 },
    });
  });

  it("reports a device TTS does not know as tts_device_not_found", async () => {
    const { iot } = sdkClients(runtime);
    await iot.send(
      new CreateThingCommand({
        thingName: "ghost-device",
        thingTypeName: "lorawan",
        attributePayload: { attributes: { stackName: "e2e", deviceID: "ghost", applicationID: "tts-aws-iot-sim" } },
      }),
    );
    const { execution, feedback } = await feedbackFor("lorawan/ghost-device/downlink/failed", {
      thingName: "ghost-device",
      bytes: "Bw==",
    });
    expect(execution).toMatchObject({ status: "FAILED", error: "tts_device_not_found" });
    expect(feedback.downlink_failed.error).toMatchObject({ name: "tts_device_not_found", code: 5 });
  });

  it("reports an unknown thing as thing_not_found, without calling TTS", async () => {
    const before = ttsApi.requestCount;
    const { execution, feedback } = await feedbackFor("lorawan/NO-SUCH-THING/downlink/failed", {
      thingName: "NO-SUCH-THING",
      bytes: "CA==",
    });
    expect(execution).toMatchObject({ status: "FAILED", error: "thing_not_found" });
    expect(feedback.downlink_failed.error).toMatchObject({
      name: "thing_not_found",
      message_format: 'no thing named "NO-SUCH-THING" exists',
      code: 5,
    });
    expect(ttsApi.requestCount).toBe(before);
  });

  it("leaves a thing of another deployment alone: no TTS call, no feedback, and says so", async () => {
    const { iot } = sdkClients(runtime);
    await iot.send(
      new CreateThingCommand({
        thingName: "foreign-device",
        thingTypeName: "lorawan",
        attributePayload: { attributes: { stackName: "other-stack", deviceID: "x1y", applicationID: "other-app" } },
      }),
    );
    const feedback = await recorder(app, "lorawan/+/downlink/failed");
    const before = ttsApi.requestCount;

    const execution = await request({ thingName: "foreign-device", bytes: "CQ==" });

    expect(execution).toMatchObject({
      status: "SUCCEEDED",
      output: {
        thingName: "foreign-device",
        enqueued: false,
        ownerStackName: "other-stack",
        reason: expect.stringContaining("another deployment"),
      },
    });
    expect(ttsApi.requestCount).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(feedback.messages).toEqual([]);
    app.removeAllListeners("message");
    await app.unsubscribeAsync("lorawan/+/downlink/failed");
  });

  it("answers malformed JSON with invalid_json on lorawan/downlink/failed", async () => {
    const { execution, feedback } = await feedbackFor("lorawan/downlink/failed", "{not json");
    expect(execution).toMatchObject({ status: "FAILED", error: "invalid_json" });
    expect(feedback.downlink_failed.error).toMatchObject({ name: "invalid_json", code: 3 });
    expect(feedback).not.toHaveProperty("end_device_ids");
    expect(feedback.correlation_ids).toEqual([`tts-aws-iot:downlink:${execution.name}`]);
  });

  it("answers a bad field on the thing's own failed topic, naming the field", async () => {
    const { execution, feedback } = await feedbackFor(`lorawan/${thing}/downlink/failed`, {
      thingName: thing,
      bytes: "AQ==",
      fPort: 0,
    });
    expect(execution).toMatchObject({ status: "FAILED", error: "invalid_f_port" });
    expect(feedback.downlink_failed.error.message_format).toMatch(/fPort/);
  });
});
