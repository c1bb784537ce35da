/**
 * The embedded default as the downlink end-to-end tests drive it: one simulated device whose thing
 * exists (it joined and sent an uplink), an application's MQTT client, and the executions recorded by
 * workflow. Start it in `beforeAll`, close it in `afterAll`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { MqttClient } from "mqtt";
import { thingNameFor } from "../../functions/core/thing-name.ts";
import { temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import { connect } from "../../local/harness/mqtt-client.ts";
import type { LocalRuntime, RuntimeHooks } from "../../local/runtime/runtime.ts";
import type { TtsApi, TtsSimulator } from "../../local/tts-simulator/index.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { startTestRuntime } from "./local-runtime.ts";

export interface DownlinkRuntime {
  readonly runtime: LocalRuntime;
  readonly simulator: TtsSimulator;
  readonly ttsApi: TtsApi;
  readonly app: MqttClient;
  readonly thing: string;
  readonly deviceId: string;
  readonly downlinkExecutions: ExecutionSummary[];
  readonly upstreamExecutions: ExecutionSummary[];
  close(): Promise<void>;
}

export async function startDownlinkRuntime(hooks: Omit<RuntimeHooks, "onExecution" | "simulatorScheduled"> = {}) {
  const dataDir = temporaryDataDir();
  const downlinkExecutions: ExecutionSummary[] = [];
  const upstreamExecutions: ExecutionSummary[] = [];
  const runtime = await startTestRuntime(
    { dataDir: dataDir.path, devices: 1 },
    {
      ...hooks,
      simulatorScheduled: false,
      onExecution: (summary) =>
        (summary.workflow === "downlink" ? downlinkExecutions : upstreamExecutions).push(summary),
    },
  );
  const simulator = runtime.simulator!;
  const device = simulator.devices[0]!;
  const app = await connect(runtime.urls.mqtt, "application");
  // The device joins and sends an uplink: its thing exists, as after any real device's first message.
  await simulator.publishJoin(device.deviceId);
  await simulator.publishUplink(device.deviceId);
  const deadline = Date.now() + 20_000;
  while (upstreamExecutions.length < 2) {
    if (Date.now() > deadline) throw new Error("the device's join and uplink were not handled in time");
    await sleep(10);
  }
  return {
    runtime,
    simulator,
    ttsApi: runtime.ttsApi!,
    app,
    thing: thingNameFor(device.endDeviceIds, "DevEUI", "e2e"),
    deviceId: device.deviceId,
    downlinkExecutions,
    upstreamExecutions,
    close: async () => {
      await app.endAsync();
      await runtime.close();
      dataDir.remove();
    },
  } satisfies DownlinkRuntime;
}
