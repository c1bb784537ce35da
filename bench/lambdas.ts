/**
 * `npm run bench`: every function's Lambda bundle, built exactly as the stack builds it
 * (`infra/bundle/bundle-function.ts`), its size, and its cold start — import of the bundle plus the
 * first call of its `handler`, in a fresh Node 22 process each time, median of RUNS.
 *
 * The first call is a real one on the bundle's own code path (settings, SDK client, serialisation,
 * signing, HTTP): it goes to the embedded default's local AWS endpoint and its simulated TTS HTTP API
 * on 127.0.0.1. Those answer in about a millisecond, except when answering means durable work in the
 * runtime: the simulator answers a downlink push only once its `downlink/queued` message is on disk,
 * ~10 ms. That wait is the local stand-ins' (on AWS it is the services' round trips, which this
 * machine cannot measure), so the cold start figure — the one held to the target — is the function's
 * own: import + first call less the time the call's event loop sat idle waiting for answers. Each row
 * also gives the figure with the wait, and the wait. Each row says how the call ended
 * (`configure-tts-pubsub` gets the simulator's 404: it has no pub/sub API).
 *
 * Writes its section of bench/results.md.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { CreateThingCommand, UpdateThingCommand } from "@aws-sdk/client-iot";
import { FUNCTIONS, type FunctionName } from "../functions/catalogue.ts";
import { BUNDLE_FILE, bundleFunction } from "../infra/bundle/bundle-function.ts";
import { sdkClients, startEmbeddedRuntime, temporaryDataDir } from "../local/harness/embedded-runtime.ts";
import { functionEnvironments } from "../local/runtime/function-environments.ts";
import { machineDescription, median } from "./measure.ts";
import { writeResultsSection } from "./results-file.ts";

const RUNS = 11;
/** `--only a,b`: just those functions, printed, without writing bench/results.md (for trying a change). */
const onlyArgument = process.argv.indexOf("--only");
const ONLY = onlyArgument === -1 ? undefined : new Set(process.argv[onlyArgument + 1]?.split(",").filter(Boolean));
const unknownFunctions = [...(ONLY ?? [])].filter((name) => !Object.hasOwn(FUNCTIONS, name));
if (ONLY !== undefined && (ONLY.size === 0 || unknownFunctions.length > 0)) {
  console.error(
    `--only takes function names separated by commas; ${unknownFunctions.length > 0 ? `not a function: ${unknownFunctions.join(", ")}` : "none given"}. Functions: ${Object.keys(FUNCTIONS).join(", ")}`,
  );
  process.exit(2);
}
const STACK = "bench";
/** The project's Node 22 (the `node` devDependency), as Lambda's nodejs22.x runs it. */
const NODE = resolve("node_modules/.bin/node");
const BUNDLE_LIMIT_BYTES = 400 * 1024;
const COLD_START_TARGET_MS = 120;

interface ColdStart {
  readonly importMs: number;
  readonly callMs: number;
  /** User + system CPU of import and call: what a busy machine (other processes) inflates least. */
  readonly cpuMs: number;
  /**
   * Of the first call, the time its event loop sat idle waiting for answers (Node's event-loop
   * utilization): the local endpoint's and simulator's time, not the function's. It also holds the
   * function's own waits on Node's thread pool (the SDK looking for `~/.aws/config`), well under 1 ms.
   */
  readonly waitMs: number;
  readonly outcome: string;
}

/** Runs in the fresh process: import, then the first call; prints the times and how the call ended. */
const PROBE = `
const bundle = process.argv[1];
const event = JSON.parse(process.argv[2]);
const cpu = process.cpuUsage();
const started = performance.now();
const { handler } = await import(bundle);
const imported = performance.now();
const loopAtImport = performance.eventLoopUtilization();
let outcome = "ok";
try { await handler(event, {}); } catch (error) { outcome = String(error?.name ?? error); }
const called = performance.now();
const waitMs = performance.eventLoopUtilization(loopAtImport).idle;
const { user, system } = process.cpuUsage(cpu);
console.log(JSON.stringify({ importMs: imported - started, callMs: called - imported, cpuMs: (user + system) / 1000, waitMs, outcome }));
`;

// Asynchronous: the endpoint answering the first call runs in this process.
async function coldStart(bundle: string, event: unknown, env: Record<string, string>): Promise<ColdStart> {
  const { stdout } = await promisify(execFile)(
    NODE,
    ["--input-type=module", "-e", PROBE, bundle, JSON.stringify(event)],
    {
      env: { PATH: process.env["PATH"] ?? "", ...env },
    },
  );
  return JSON.parse(stdout) as ColdStart;
}

/** Lets what a cold start's call set off in the runtime finish before the next cold start begins. */
const SETTLE_MS = 150;
const settle = () => sleep(SETTLE_MS);

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

const dataDir = temporaryDataDir();
const scratch = mkdtempSync(join(tmpdir(), "tts-aws-iot-lambdas-"));
const runtime = await startEmbeddedRuntime(
  { dataDir: dataDir.path, stackName: STACK, devices: 1 },
  { simulatorScheduled: false },
);
const { iot } = sdkClients(runtime);
try {
  const device = runtime.simulator!.fleet.devices[0]!;
  const uplink = JSON.parse(readFileSync(join(import.meta.dirname, "../test/fixtures/tts/uplink.json"), "utf8"));
  uplink.end_device_ids = {
    ...uplink.end_device_ids,
    device_id: device.deviceId,
    application_ids: { application_id: device.applicationId },
    dev_eui: device.devEui,
  };
  const uplinkPayload = Buffer.from(JSON.stringify(uplink)).toString("base64");
  const thingName = device.devEui;
  const correlationId = "bench-cold-start";
  const downlinkRequest = { thingName, bytes: "AQ==", fPort: 10, correlationId };
  const request = {
    thingName,
    content: { kind: "bytes", frmPayload: "AQ==" },
    fPort: 10,
    confirmed: false,
    priority: "NORMAL",
    replace: false,
    correlationId,
  };
  const ids = { applicationId: device.applicationId, deviceId: device.deviceId };
  // A thing an operator creates to have its device created in TTS: the provisioning steps' first calls address it.
  const provisioned = { thingName: "bench-provisioned", devEui: "70B3D57ED0000B01", joinEui: "70B3D57ED0000000" };
  const provisionedAttributes = {
    stackName: STACK,
    devEUI: provisioned.devEui,
    joinEUI: provisioned.joinEui,
    appKey: "00112233445566778899AABBCCDDEEFF",
  };
  await iot.send(
    new CreateThingCommand({
      thingName: provisioned.thingName,
      thingTypeName: runtime.config.thingTypeName,
      attributePayload: { attributes: provisionedAttributes },
    }),
  );
  // record-provisioning removes the key from the thing; register-root-keys reads it in the next round.
  const restoreProvisionedThing = () =>
    iot.send(
      new UpdateThingCommand({
        thingName: provisioned.thingName,
        attributePayload: { attributes: provisionedAttributes, merge: true },
      }),
    );
  const provisionedDevice = {
    thingName: provisioned.thingName,
    applicationId: device.applicationId,
    deviceId: `eui-${provisioned.devEui.toLowerCase()}`,
    devEui: provisioned.devEui,
    joinEui: provisioned.joinEui,
    lorawanVersion: "MAC_V1_0_3",
    lorawanPhyVersion: "PHY_V1_0_3_REV_A",
    frequencyPlanId: runtime.config.frequencyPlanId,
  };
  const executionName = "bench-cold-start";
  // In catalogue order: ensure-thing creates the thing the shadow and claim steps address.
  const events: Record<FunctionName, unknown> = {
    "ensure-thing": { topic: `thethings/lorawan/${STACK}/uplink`, payload: uplinkPayload, timestamp: Date.now() },
    "update-shadow": { thingName, payload: uplinkPayload, receivedAt: new Date().toISOString() },
    republish: { topic: `lorawan/${thingName}/uplink`, payload: uplinkPayload },
    "validate-downlink": {
      event: { topic: "lorawan/downlink", payload: Buffer.from(JSON.stringify(downlinkRequest)).toString("base64") },
      executionName,
    },
    "enqueue-downlink": { request, ...ids, correlationIds: [correlationId], attempt: 1 },
    "downlink-claim": { action: "claim", thingName, correlationId, executionName },
    "find-queued-downlink": { ...ids, correlationId },
    "publish-feedback": { executionName, state: { failed: { Error: "States.Timeout", Cause: "bench" } } },
    "configure-tts-pubsub": {
      applicationId: device.applicationId,
      pubSubId: "bench-pubsub",
      region: "eu-west-1",
      roleArn: "arn:aws:iam::000000000000:role/bench",
      externalId: "bench",
      endpointAddress: "bench.iot.eu-west-1.amazonaws.com",
      stackName: STACK,
      tf: { action: "create", prev_input: null },
    },
    "validate-device-thing": { thingName: provisioned.thingName },
    // The Identity Server's create: the first run creates, the next ones read back the same device (409).
    "register-end-device": { action: "create", registry: "is", device: provisionedDevice, executionId: executionName },
    "register-root-keys": { device: provisionedDevice },
    "record-provisioning": { device: provisionedDevice },
    "provisioning-feedback": {
      outcome: "created",
      thingName: provisioned.thingName,
      device: provisionedDevice,
      newInTts: true,
    },
  };
  const environments = functionEnvironments(runtime.config, {
    url: runtime.urls.tts,
    apiKeySecretArn: runtime.apiKeySecretArn,
    applicationId: device.applicationId,
  });

  const measured = (Object.keys(FUNCTIONS) as FunctionName[])
    .filter((name) => ONLY === undefined || ONLY.has(name))
    .map((name) => {
      const bundle = bundleFunction(name, FUNCTIONS[name].entry, scratch);
      const env = { ...runtime.sdkEnvironment, ...(environments[name] as Record<string, string>) };
      return { name, bundle, file: join(bundle.directory, BUNDLE_FILE), env, runs: [] as ColdStart[] };
    });
  // Round by round, each function once per round in catalogue order: a slow spell of this shared VM
  // then costs every function one run, not one function all its runs.
  for (let round = 0; round < RUNS; round++) {
    await restoreProvisionedThing();
    for (const fn of measured) {
      fn.runs.push(await coldStart(fn.file, events[fn.name], fn.env));
      // What the call set off in the runtime (a shadow's delta, a queued downlink's workflow) runs now, not during the next cold start.
      await settle();
    }
  }

  const rows: [string, string][] = [];
  const overTarget: string[] = [];
  for (const { name, bundle, runs } of measured) {
    const importMs = median(runs.map((run) => run.importMs));
    const totalMs = median(runs.map((run) => run.importMs + run.callMs));
    const waitMs = median(runs.map((run) => run.waitMs));
    const ownMs = median(runs.map((run) => run.importMs + run.callMs - run.waitMs));
    const cpuMs = median(runs.map((run) => run.cpuMs));
    const outcomes = [...new Set(runs.map((run) => run.outcome))].join(", ");
    rows.push([`${name}: bundle`, kib(bundle.bytes)]);
    rows.push([
      `${name}: import + first call`,
      `${ms(ownMs)} (import ${ms(importMs)}; with the wait for answers ${ms(totalMs)}, of which waiting ${ms(waitMs)}; CPU ${ms(cpuMs)}; first call: ${outcomes})`,
    ]);
    if (bundle.bytes > BUNDLE_LIMIT_BYTES) overTarget.push(`${name} bundle ${kib(bundle.bytes)}`);
    if (ownMs > COLD_START_TARGET_MS) overTarget.push(`${name} cold start ${ms(ownMs)}`);
    console.log(
      `${name}: ${kib(bundle.bytes)}, ${ms(ownMs)} (import ${ms(importMs)}; with waiting ${ms(totalMs)}, waiting ${ms(waitMs)}; CPU ${ms(cpuMs)}) — ${outcomes}`,
    );
  }
  if (overTarget.length > 0) console.log(`over target: ${overTarget.join("; ")}`);
  if (ONLY === undefined) writeSection(rows);
} finally {
  iot.destroy();
  await runtime.close();
  dataDir.remove();
  rmSync(scratch, { recursive: true, force: true });
}

function writeSection(rows: [string, string][]): void {
  const rendered = writeResultsSection({
    title: "Lambda bundles and cold starts",
    preface:
      `${new Date().toISOString()} — ${machineDescription()}, ` +
      `load average ${loadavg()[0]!.toFixed(1)}; bundles as the stack builds them; ` +
      `cold start = import + first call in a fresh process, less the time the call waits for answers from the local ` +
      `endpoint and simulated TTS API on 127.0.0.1 (shown beside it), median of ${RUNS} rounds over all functions. ` +
      `Targets: bundle ≤ ${kib(BUNDLE_LIMIT_BYTES)}, cold start ≤ ${COLD_START_TARGET_MS} ms.`,
    rows,
    footer: "Run alone: `node bench/lambdas.ts`.",
  });
  console.log(`\n${rendered}`);
}
