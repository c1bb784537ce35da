/**
 * End to end through the embedded default: a real MQTT client publishes as TTS, another listens as
 * an application, and the results are read back with the real AWS SDK from the local endpoint.
 */
import { DescribeThingCommand, ListThingsCommand } from "@aws-sdk/client-iot";
import { GetThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import {
  DescribeExecutionCommand,
  InvalidArn,
  ListExecutionsCommand,
  StateMachineTypeNotSupported,
} from "@aws-sdk/client-sfn";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdkClients, temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import { executionLogRecords } from "../../local/harness/execution-logs.ts";
import { connect, recorder } from "../../local/harness/mqtt-client.ts";
import type { LocalRuntime } from "../../local/runtime/runtime.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { fixtureBytes } from "../support/fixtures.ts";
import { startTestRuntime } from "../support/local-runtime.ts";

const THING = "0004A30B001C0530";
const dataDir = temporaryDataDir();
let runtime: LocalRuntime;
let tts: MqttClient;
let app: MqttClient;
let executions: ExecutionSummary[] = [];

/** Call before publishing: resolves with the first execution that finishes after the call. */
function nextExecution(): () => Promise<ExecutionSummary> {
  const seen = executions.length;
  return async () => {
    await expect.poll(() => executions.length, { timeout: 10_000 }).toBeGreaterThan(seen);
    return executions[seen]!;
  };
}

beforeAll(async () => {
  runtime = await startTestRuntime({ dataDir: dataDir.path }, { onExecution: (summary) => executions.push(summary) });
  tts = await connect(runtime.urls.mqtt, "thethings-e2e");
  app = await connect(runtime.urls.mqtt, "application");
});

afterAll(async () => {
  await tts?.endAsync();
  await app?.endAsync();
  await runtime?.close();
  dataDir.remove();
});

describe("upstream through the embedded default", () => {
  it.each([
    ["join-accept", "join", `lorawan/${THING}/join`],
    ["uplink", "uplink", `lorawan/${THING}/uplink`],
    ["downlink-ack", "downlink/ack", `lorawan/${THING}/downlink/ack`],
    ["downlink-failed", "downlink/failed", "lorawan/e2e_dev1/downlink/failed"],
  ])("republishes %s.json published on …/%s unchanged on %s", async (fixture, ttsTopic, expectedTopic) => {
    const received = await recorder(app, expectedTopic);
    await tts.publishAsync(`thethings/lorawan/e2e/${ttsTopic}`, fixtureBytes(fixture), { qos: 1 });
    const [message] = await received.waitFor(1);
    await app.unsubscribeAsync(expectedTopic);
    app.removeAllListeners("message");

    expect(message!.topic).toBe(expectedTopic);
    expect(message!.payload.equals(fixtureBytes(fixture))).toBe(true);
    expect(JSON.parse(message!.payload.toString())).toEqual(JSON.parse(fixtureBytes(fixture).toString()));
  });

  it("created the thing with its type and attributes", async () => {
    const { iot } = sdkClients(runtime);
    const thing = await iot.send(new DescribeThingCommand({ thingName: THING }));
    expect(thing.thingTypeName).toBe("lorawan");
    expect(thing.attributes).toEqual({ devEUI: THING, stackName: "e2e", deviceID: "dev1", applicationID: "app1" });
    const listed = await iot.send(new ListThingsCommand({ attributeName: "stackName", attributeValue: "e2e" }));
    expect(listed.things?.map((t) => t.thingName).sort()).toEqual([THING, "e2e_dev1"]);
  });

  it("keeps the lorawan shadow with the join and the uplink's radio metrics", async () => {
    const { iotData } = sdkClients(runtime);
    const shadow = await iotData.send(new GetThingShadowCommand({ thingName: THING, shadowName: "lorawan" }));
    const document = JSON.parse(Buffer.from(shadow.payload!).toString());
    expect(document.state.reported).toMatchObject({
      lastSeen: "2020-02-12T15:15:46.014773143Z",
      activated: "2020-02-17T07:49:09.736532315Z",
      devAddr: "00BCB929",
      gateways: 1,
      gatewayIds: ["gtw1"],
      rssi: -35,
      snr: 5,
      fCntUp: 1,
      dataRate: "SF7BW125",
      frequency: 868300000,
    });
    expect(document.version).toBeGreaterThanOrEqual(2);
  });

  it("fails garbage on a TTS topic visibly and keeps serving", async () => {
    const garbage = nextExecution();
    await tts.publishAsync("thethings/lorawan/e2e/uplink", Buffer.from("temperature=21.5"), { qos: 1 });
    const failed = await garbage();
    expect(failed).toMatchObject({ workflow: "upstream", status: "FAILED", error: "InvalidTtsMessage" });
    expect(JSON.parse(failed.cause!).errorMessage).toMatch(/^payload is not UTF-8 JSON/);

    const wrongShape = { end_device_ids: { device_id: "dev1", application_ids: { application_id: "app1" } }, hello: 1 };
    const wrong = nextExecution();
    await tts.publishAsync("thethings/lorawan/e2e/uplink", JSON.stringify(wrongShape), { qos: 1 });
    expect(await wrong()).toMatchObject({ status: "FAILED", error: "InvalidTtsMessage" });

    // The state machine's log group shows the same, as on AWS (Express history is only there).
    const { sfn, logs } = sdkClients(runtime);
    const stateMachine = "e2e-upstream";
    const failures = await executionLogRecords(logs, stateMachine, '{ $.type = "ExecutionFailed" }');
    const failure = failures.find((record) => record.execution_arn === failed.executionArn);
    expect(failure?.details["error"]).toBe("InvalidTtsMessage");
    expect(failure?.details["cause"]).toContain("payload is not UTF-8 JSON");
    // arn:aws:states:<region>:<account>:express:<state machine>:<name>:<id>
    expect(failed.executionArn.split(":").slice(5, 7)).toEqual(["express", stateMachine]);
    expect(failed.executionArn.split(":")[7]).toMatch(/^uplink-/);
    const history = await executionLogRecords(logs, stateMachine, `{ $.execution_arn = "${failed.executionArn}" }`);
    expect(history.map((record) => record.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskFailed",
      "TaskStateExited",
      "FailStateEntered",
      "ExecutionFailed",
    ]);
    expect(history.find((record) => record.type === "TaskStateEntered")?.details["name"]).toBe("EnsureThing");
    // …and, as on AWS, not through Step Functions' execution APIs.
    await expect(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: runtime.workflows.stateMachineArn("upstream") })),
    ).rejects.toBeInstanceOf(StateMachineTypeNotSupported);
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: failed.executionArn }))).rejects.toBeInstanceOf(
      InvalidArn,
    );

    const received = await recorder(app, `lorawan/${THING}/uplink`);
    await tts.publishAsync("thethings/lorawan/e2e/uplink", fixtureBytes("uplink"), { qos: 1 });
    await received.waitFor(1);
    app.removeAllListeners("message");
  });

  it("never acts on TTS's own downlink push topic", async () => {
    await runtime.workflows.idle();
    executions = [];
    const uplink = nextExecution();
    await tts.publishAsync("thethings/lorawan/e2e/downlink/push", JSON.stringify({ downlinks: [] }), { qos: 1 });
    await tts.publishAsync("thethings/lorawan/e2e/uplink", fixtureBytes("uplink"), { qos: 1 });
    await uplink();
    await runtime.workflows.idle();
    expect(executions.map((execution) => (execution.input as { topic: string }).topic)).toEqual([
      "thethings/lorawan/e2e/uplink",
    ]);
  });
});
