/**
 * Provisioning through the embedded default, for what does not depend on TTS's device registries:
 * the registry's events reach the rules (AWS IoT Core Developer Guide, "Registry events"), the rules
 * keep to our type and stackName, things the upstream workflow creates are left alone, invalid
 * attributes fail with their name on the feedback topic, and no key is in any execution's logs.
 */
import {
  CreateThingCommand,
  CreateThingTypeCommand,
  DescribeEventConfigurationsCommand,
  ListTopicRulesCommand,
} from "@aws-sdk/client-iot";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdkClients, temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import { executionLogRecords } from "../../local/harness/execution-logs.ts";
import { connect, recorder } from "../../local/harness/mqtt-client.ts";
import type { LocalRuntime } from "../../local/runtime/runtime.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { stateMachineName, topicRules } from "../../workflows/catalogue.ts";
import { startTestRuntime } from "../support/local-runtime.ts";

const APP_KEY = "00112233445566778899AABBCCDDEEFF";
const dataDir = temporaryDataDir();
let runtime: LocalRuntime;
let app: MqttClient;
let feedback: Awaited<ReturnType<typeof recorder>>;
const executions: ExecutionSummary[] = [];
const provisioningExecutions = () => executions.filter((summary) => summary.workflow === "provisioning");

beforeAll(async () => {
  runtime = await startTestRuntime(
    { dataDir: dataDir.path, provisioning: "on", devices: 1, interval: 3600 },
    { onExecution: (summary) => executions.push(summary), simulatorScheduled: false },
  );
  app = await connect(runtime.urls.mqtt, "provisioning-watcher");
  feedback = await recorder(app, "lorawan/+/provisioning/#");
}, 60_000);

afterAll(async () => {
  await app?.endAsync();
  await runtime?.close();
  dataDir.remove();
});

const createThing = (thingName: string, attributes: Record<string, string>, thingTypeName = "lorawan") =>
  sdkClients(runtime).iot.send(new CreateThingCommand({ thingName, thingTypeName, attributePayload: { attributes } }));

describe("provisioning in the embedded default", () => {
  it("turns the account's THING events on, as Terraform does for a deployment that provisions", async () => {
    const described = await sdkClients(runtime).iot.send(new DescribeEventConfigurationsCommand({}));
    expect(described.eventConfigurations?.["THING"]).toEqual({ Enabled: true });
  });

  // ListTopicRules (AWS IoT API Reference): every rule the deployment has, its provisioning rules included,
  // which is what doctor's rule check reads.
  it("lists the provisioning rules it evaluates (ListTopicRules), as a deployment that provisions has them", async () => {
    const listed = await sdkClients(runtime).iot.send(new ListTopicRulesCommand({}));
    const names = (listed.rules ?? []).map((rule) => rule.ruleName).sort();
    const expected = topicRules(runtime.config.stackName, { thingTypeName: "lorawan", deleteInTts: false });
    expect(expected.some((rule) => rule.workflow === "provisioning")).toBe(true);
    expect(names).toEqual(expected.map((rule) => rule.name).sort());
  });

  it("fails a thing with invalid attributes with its error name, before any TTS call, on the failed topic", async () => {
    await createThing("70B3D57ED0000001", { devEUI: "70B3D57ED0000001", stackName: "e2e", appKey: APP_KEY });
    const [message] = await feedback.waitFor(1);
    expect(message?.topic).toBe("lorawan/70B3D57ED0000001/provisioning/failed");
    expect(JSON.parse(message!.payload.toString())).toMatchObject({
      thingName: "70B3D57ED0000001",
      device: null,
      error: { name: "MissingJoinEui" },
      rolledBack: [],
    });
    await expect.poll(() => provisioningExecutions().length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(provisioningExecutions().at(-1)).toMatchObject({ status: "FAILED", error: "MissingJoinEui" });
  });

  it("ignores things of another deployment or another type: their rule never fires", async () => {
    await sdkClients(runtime).iot.send(new CreateThingTypeCommand({ thingTypeName: "lorawan-other" }));
    const before = provisioningExecutions().length;
    await createThing("70B3D57ED0000002", { devEUI: "70B3D57ED0000002", stackName: "other", appKey: APP_KEY });
    await createThing("70B3D57ED0000003", { devEUI: "70B3D57ED0000003", stackName: "e2e" }, "lorawan-other");
    // A thing of ours after them: once its execution is there, the two before it would have been too.
    await createThing("70B3D57ED0000004", { devEUI: "70B3D57ED0000004", stackName: "e2e", appKey: "bad" });
    const thingsProvisioned = () =>
      provisioningExecutions()
        .slice(before)
        .map((summary) => (summary.input as { thingName?: string }).thingName);
    await expect.poll(thingsProvisioned, { timeout: 10_000 }).toContain("70B3D57ED0000004");
    // The events of the other two were published before this one's; had a rule taken them, their
    // executions would be in the backlog or done by now.
    await expect.poll(() => runtime.inbox.backlog.messages, { timeout: 10_000 }).toBe(0);
    expect(thingsProvisioned()).toEqual(["70B3D57ED0000004"]);
  }, 30_000);

  it("leaves alone the things the upstream workflow creates for devices TTS has already", async () => {
    const before = provisioningExecutions().length;
    const simulator = runtime.simulator!;
    await simulator.publishJoin(simulator.fleet.devices[0]!.deviceId);
    await expect.poll(() => provisioningExecutions().length, { timeout: 10_000 }).toBe(before + 1);
    expect(provisioningExecutions().at(-1)).toMatchObject({
      status: "SUCCEEDED",
      output: expect.objectContaining({ provisioned: false }),
    });
  }, 30_000);

  it("keeps root keys out of every execution's logs", async () => {
    const records = await executionLogRecords(sdkClients(runtime).logs, stateMachineName("e2e", "provisioning"), "");
    expect(records.length).toBeGreaterThan(0);
    expect(JSON.stringify(records)).not.toContain(APP_KEY);
  });
});
