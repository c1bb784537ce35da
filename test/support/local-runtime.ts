/** Starts the embedded default in process on free ports and a temporary data directory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IoTClient } from "@aws-sdk/client-iot";
import { afterAll, beforeAll } from "vitest";
import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { SFNClient } from "@aws-sdk/client-sfn";
import { resolveConfig, type LocalConfig } from "../../local/runtime/config.ts";
import { LOCAL_CREDENTIALS } from "../../local/aws/local-account.ts";
import { startLocalRuntime, type LocalRuntime, type RuntimeHooks } from "../../local/runtime/runtime.ts";

export function temporaryDataDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), "tts-aws-iot-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function testConfig(overrides: Partial<LocalConfig> & { dataDir: string }): LocalConfig {
  return {
    ...resolveConfig({}, {}),
    mqttPort: 0,
    mqttWsPort: 0,
    awsPort: 0,
    ttsPort: 0,
    devices: 0,
    stackName: "e2e",
    ...overrides,
  };
}

export function startTestRuntime(overrides: Partial<LocalConfig> & { dataDir: string }, hooks: RuntimeHooks = {}): Promise<LocalRuntime> {
  return startLocalRuntime(testConfig(overrides), { retryIntervalMs: 0, ...hooks });
}

/** Real AWS SDK v3 clients aimed at the runtime's endpoint. */
export function sdkClients(runtime: LocalRuntime) {
  const config = { endpoint: runtime.urls.aws, region: runtime.aws.region, credentials: LOCAL_CREDENTIALS };
  return { iot: new IoTClient(config), iotData: new IoTDataPlaneClient(config), sfn: new SFNClient(config) };
}

/**
 * One runtime for all tests of the calling file, on a temporary data dir removed afterwards.
 * Read `ctx.runtime` inside tests and hooks.
 */
export function useTestRuntime(
  overrides: Partial<LocalConfig> = {},
  hooks: RuntimeHooks = {},
): { readonly runtime: LocalRuntime } {
  const dataDir = temporaryDataDir();
  const ctx = {} as { runtime: LocalRuntime };
  beforeAll(async () => {
    ctx.runtime = await startTestRuntime({ dataDir: dataDir.path, ...overrides }, hooks);
  });
  afterAll(async () => {
    await ctx.runtime?.close();
    dataDir.remove();
  });
  return ctx;
}
