import { DescribeThingCommand } from "@aws-sdk/client-iot";
import { GetThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { afterAll, describe, expect, it } from "vitest";
import { sdkClients, temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import { executionLogRecords } from "../../local/harness/execution-logs.ts";
import { connect, recorder } from "../../local/harness/mqtt-client.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { fixtureBytes } from "../support/fixtures.ts";
import { startTestRuntime } from "../support/local-runtime.ts";

const dataDir = temporaryDataDir();
afterAll(() => dataDir.remove());

describe("state on disk", () => {
  it("keeps things, shadows and executions across a stop and a start", async () => {
    const finished: ExecutionSummary[] = [];
    const first = await startTestRuntime(
      { dataDir: dataDir.path },
      { onExecution: (summary) => finished.push(summary) },
    );
    const tts = await connect(first.urls.mqtt, "thethings-e2e");
    await tts.publishAsync("thethings/lorawan/e2e/uplink", fixtureBytes("uplink"), { qos: 1 });
    await expect.poll(() => finished.length, { timeout: 10_000 }).toBe(1);
    await tts.endAsync();
    await first.close();

    // Same data directory, new ports, new process state.
    const second = await startTestRuntime({ dataDir: dataDir.path });
    try {
      const { iot, iotData, logs } = sdkClients(second);
      const thing = await iot.send(new DescribeThingCommand({ thingName: "0004A30B001C0530" }));
      expect(thing.attributes?.["stackName"]).toBe("e2e");
      const shadow = await iotData.send(
        new GetThingShadowCommand({ thingName: "0004A30B001C0530", shadowName: "lorawan" }),
      );
      expect(JSON.parse(Buffer.from(shadow.payload!).toString()).state.reported.rssi).toBe(-35);
      // Express history is read from the state machine's log group, as on AWS.
      const [succeeded, ...more] = await executionLogRecords(
        logs,
        "e2e-upstream",
        `{ $.execution_arn = "${finished[0]!.executionArn}" && $.type = "ExecutionSucceeded" }`,
      );
      expect(more).toEqual([]);
      expect(JSON.parse(String(succeeded?.details["output"]))).toMatchObject({
        thingName: "0004A30B001C0530",
        thing: "created",
      });

      // A known device after the restart: its thing is found, not created again.
      const app = await connect(second.urls.mqtt, "application");
      const received = await recorder(app, "lorawan/0004A30B001C0530/uplink");
      const tts2 = await connect(second.urls.mqtt, "thethings-e2e");
      await tts2.publishAsync("thethings/lorawan/e2e/uplink", fixtureBytes("uplink"), { qos: 1 });
      await received.waitFor(1);
      await Promise.all([app.endAsync(), tts2.endAsync()]);
    } finally {
      await second.close();
    }
  });

  it("says which port is taken", async () => {
    const first = await startTestRuntime({ dataDir: dataDir.path });
    // Another data dir: one runtime per data dir is the lock's to say (data-dir-lock.test.ts).
    const other = temporaryDataDir();
    try {
      await expect(startTestRuntime({ dataDir: other.path, mqttPort: first.broker.mqttPort })).rejects.toThrow(
        `MQTT port (--mqtt-port): 127.0.0.1:${first.broker.mqttPort} is already in use; choose another port`,
      );
      await expect(startTestRuntime({ dataDir: other.path, awsPort: first.aws.port })).rejects.toThrow(
        new RegExp(`${first.aws.port}`),
      );
    } finally {
      await first.close();
      other.remove();
    }
  });
});
