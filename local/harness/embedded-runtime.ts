/**
 * The embedded default started in process on free ports and a temporary data directory, and real
 * AWS SDK clients aimed at it: what the end-to-end tests and the benchmark drive.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { IoTClient } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { SFNClient } from "@aws-sdk/client-sfn";
import { clientConfig } from "../../functions/runtime/aws-clients.ts";
import { type LocalConfig, resolveConfig } from "../runtime/config.ts";
import { type LocalRuntime, type RuntimeHooks, startLocalRuntime } from "../runtime/runtime.ts";

export function temporaryDataDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), "tts-aws-iot-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The defaults of `npm start`, but every port free, no inspector and no simulated devices unless asked. */
export function startEmbeddedRuntime(
  overrides: Partial<LocalConfig> & { dataDir: string; stackName: string },
  hooks: RuntimeHooks = {},
): Promise<LocalRuntime> {
  const config: LocalConfig = {
    ...resolveConfig({}, {}),
    mqttPort: 0,
    mqttWsPort: 0,
    awsPort: 0,
    ttsPort: 0,
    // 0 is no inspector (the other ports' 0 is a free port): tests that want it pass a free port.
    inspectorPort: 0,
    devices: 0,
    ...overrides,
  };
  // Retries at once instead of after the ASL's waits: runs stay short.
  return startLocalRuntime(config, { retryIntervalMs: 0, ...hooks });
}

export function sdkClients(runtime: LocalRuntime) {
  // Configured from the runtime's SDK environment, as the handlers' own clients are.
  const config = clientConfig(runtime.sdkEnvironment);
  return {
    iot: new IoTClient(config),
    iotData: new IoTDataPlaneClient(config),
    sfn: new SFNClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}
