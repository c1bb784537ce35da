/**
 * The embedded default's simulated TTS as the provisioning workflow and `doctor` meet it: the
 * deployment's AWS IoT pub/sub is registered from the start, and a device created through the four
 * registries (DESIGN §6, real HTTP) joins, sends an uplink, and its thing's shadow is updated by the
 * real upstream workflow.
 */
import { GetThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { describe, expect, it } from "vitest";
import { sdkClients } from "../../local/harness/embedded-runtime.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { useTestRuntime } from "../support/local-runtime.ts";
import { provisioningCalls } from "../support/tts-provisioning.ts";

const finished: ExecutionSummary[] = [];
const ctx = useTestRuntime(
  { devices: 1 },
  { simulatorScheduled: false, onExecution: (summary) => finished.push(summary) },
);

const APP = "tts-aws-iot-sim";
const IDS = { device_id: "eui-70b3d57ed00000e2", dev_eui: "70B3D57ED00000E2", join_eui: "0000000000000001" };

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${ctx.runtime.urls.tts}${path}`, {
    method,
    headers: { authorization: `Bearer ${ctx.runtime.config.ttsApiKey}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe("the embedded default's simulated TTS", () => {
  it("holds the deployment's AWS IoT pub/sub, pointing at this stack", async () => {
    const { status, json } = await call("GET", `/api/v3/as/pubsub/${APP}`);
    expect(status).toBe(200);
    expect(json["pubsubs"]).toEqual([
      expect.objectContaining({
        ids: { application_ids: { application_id: APP }, pub_sub_id: "aws-iot-e2e" },
        format: "json",
        aws_iot: {
          region: "us-east-1",
          endpoint_address: "127.0.0.1",
          assume_role: { arn: "arn:aws:iam::000000000000:role/e2e-tts", external_id: "local" },
          default: { stack_name: "e2e" },
        },
      }),
    ]);
  });

  it("lets a device created in the four registries join and update its thing's shadow", async () => {
    const answers = [];
    for (const { method, path, body } of provisioningCalls(APP, IDS, "2B7E151628AED2A6ABF7158809CF4F3C"))
      answers.push(await call(method, path, body));
    expect(answers.map(({ status }) => status)).toEqual([200, 200, 200, 200]);

    const simulator = ctx.runtime.simulator!;
    await simulator.publishJoin(IDS.device_id);
    await simulator.publishUplink(IDS.device_id);
    await expect
      .poll(() => finished.filter((summary) => summary.status === "SUCCEEDED").length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    const { iotData } = sdkClients(ctx.runtime);
    const shadow = await iotData.send(new GetThingShadowCommand({ thingName: IDS.dev_eui, shadowName: "lorawan" }));
    const reported = JSON.parse(new TextDecoder().decode(shadow.payload)).state.reported;
    // The thing is named by the DevEUI given to the registries; its first uplink (FCnt 0) is in the shadow.
    expect(reported).toMatchObject({ fCntUp: 0, activated: expect.any(String) });
    iotData.destroy();

    expect((await call("DELETE", `/api/v3/applications/${APP}/devices/${IDS.device_id}`)).status).toBe(200);
    expect(simulator.fleet.find(IDS.device_id)).toBeUndefined();
  });
});
