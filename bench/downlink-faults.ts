/**
 * `npm run bench` (second part): downlinks under TTS faults, end to end through the embedded default —
 * an application's MQTT request, the same ASL and handlers, the TTS simulator's faults on the push.
 * For each fault, REQUESTS requests one after the other (no correlationId: the look into the queue
 * after an unknown outcome is what is measured, not the duplicate check), then per fault:
 * - downlinks queued per request, counted as applications see them: TTS's `downlink_queued` events
 *   carrying the request's correlation id on `lorawan/<thing>/downlink/queued` (target: exactly 1
 *   for every request, but in the documented residual case: the device took the downlink between the
 *   push and the look into the queue);
 * - `failed` published for a downlink that TTS queued (target: 0);
 * - extra TTS calls per request, beyond the one push it ideally costs.
 * TTS calls time out after 300 ms here (5 s in Lambda); the workflow's Wait states last 400 ms (1–16 s
 * in the ASL), its retries none.
 *
 * Prints a table and writes it to bench/downlink-faults.md; exits 1 when a target is missed.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { thingNameFor } from "../functions/core/thing-name.ts";
import { startEmbeddedRuntime, temporaryDataDir } from "../local/harness/embedded-runtime.ts";
import { connect, recorder } from "../local/harness/mqtt-client.ts";
import type { FaultInput } from "../local/tts-simulator/index.ts";
import type { ExecutionSummary } from "../local/workflows/runner.ts";
import { countFromEnv, machineDescription, markdownTable } from "./measure.ts";

const REQUESTS = countFromEnv("BENCH_FAULT_REQUESTS", 50);
const TIMEOUT_MS = 300;
const WAIT_MS = 400;
const STACK = "bench";
const APPLICATION = "tts-aws-iot-sim";

interface Case {
  readonly label: string;
  readonly fault?: FaultInput;
  /** The device uplinks once the push is queued, before the answer: it takes the downlink (the residual case). */
  readonly uplinkWhileWaiting?: boolean;
}

const CASES: readonly Case[] = [
  { label: "no fault" },
  { label: "timeout after processing", fault: { kind: "slowAnswer", action: "push", delayMs: TIMEOUT_MS * 2 } },
  {
    label: "processed late, after the timeout",
    fault: { kind: "delay", action: "push", delayMs: TIMEOUT_MS + WAIT_MS / 2 },
  },
  {
    label: "residual: timeout after processing, device takes it before the look",
    fault: { kind: "slowAnswer", action: "push", delayMs: TIMEOUT_MS * 2 },
    uplinkWhileWaiting: true,
  },
  { label: "5xx after processing (503)", fault: { kind: "errorAfterProcessing", action: "push", status: 503 } },
  { label: "5xx before processing (503)", fault: { kind: "errorBeforeProcessing", action: "push", status: 503 } },
  { label: "reset after processing", fault: { kind: "reset", action: "push", processed: true } },
  { label: "reset before processing", fault: { kind: "reset", action: "push", processed: false } },
  {
    label: "429 with Retry-After",
    fault: { kind: "errorBeforeProcessing", action: "push", status: 429, retryAfterSeconds: 1 },
  },
];

const executions: ExecutionSummary[] = [];
const dataDir = temporaryDataDir();
const runtime = await startEmbeddedRuntime(
  { dataDir: dataDir.path, stackName: STACK, devices: 1 },
  {
    simulatorScheduled: false,
    ttsRequestTimeoutMs: TIMEOUT_MS,
    waitMs: WAIT_MS,
    onExecution: (summary) => {
      if (summary.workflow === "downlink") executions.push(summary);
    },
  },
);
const simulator = runtime.simulator!;
const ttsApi = runtime.ttsApi!;
const device = simulator.devices[0]!;
const thing = thingNameFor(device.endDeviceIds, "DevEUI", STACK);
const app = await connect(runtime.urls.mqtt, "bench-application");
const queuedEvents = await recorder(app, `lorawan/${thing}/downlink/queued`);
/** `downlink_queued` events applications received for a correlation id. */
const queuedFor = (correlationId: string) =>
  queuedEvents.messages.filter((message) => message.payload.toString().includes(`"${correlationId}"`)).length;
const log = (text: string) => process.stderr.write(`${text}\n`);

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let missed = false;
try {
  await simulator.publishJoin(device.deviceId);
  await waitFor(() => (runtime.aws.stats()["iot:CreateThing"] ?? 0) > 0, "the thing");
  await runtime.workflows.idle();

  const rows: [string, string][] = [];
  for (const { label, fault, uplinkWhileWaiting } of CASES) {
    log(`${label}: ${REQUESTS} requests…`);
    const requests: { execution: ExecutionSummary; calls: number }[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      if (fault !== undefined) ttsApi.faults.inject(fault);
      const callsBefore = ttsApi.requestCount;
      const seen = executions.length;
      await app.publishAsync("lorawan/downlink", JSON.stringify({ thingName: thing, bytes: "AQID", fPort: 9 }), {
        qos: 1,
      });
      if (uplinkWhileWaiting) {
        await waitFor(() => ttsApi.queue(APPLICATION, device.deviceId).length > 0, "the push to be queued");
        await simulator.publishUplink(device.deviceId);
      }
      await waitFor(() => executions.length > seen, "the execution");
      await runtime.workflows.idle();
      requests.push({ execution: executions[seen]!, calls: ttsApi.requestCount - callsBefore });
      ttsApi.faults.reset();
      // The next request starts with an empty queue: a device uplink sends what is queued.
      await simulator.publishUplink(device.deviceId);
      await waitFor(() => ttsApi.queue(APPLICATION, device.deviceId).length === 0, "the queue to empty");
    }
    // The queued events travel TTS → broker → upstream workflow → application: let the last ones arrive.
    await runtime.workflows.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await runtime.workflows.idle();

    const copies = new Map<number, number>();
    let failed = 0;
    let failedButQueued = 0;
    let calls = 0;
    for (const { execution, calls: made } of requests) {
      const queued = queuedFor(`tts-aws-iot:downlink:${execution.name}`);
      copies.set(queued, (copies.get(queued) ?? 0) + 1);
      if (execution.status !== "SUCCEEDED") failed++;
      if (execution.status !== "SUCCEEDED" && queued > 0) failedButQueued++;
      calls += made;
    }
    const exactlyOnce = copies.get(1) ?? 0;
    if (!uplinkWhileWaiting && (exactlyOnce !== REQUESTS || failedButQueued > 0)) missed = true;
    const distribution = [...copies.entries()]
      .sort(([a], [b]) => a - b)
      .map(([count, requestCount]) => `${requestCount}× ${count}`)
      .join(", ");
    rows.push([
      label,
      `${exactlyOnce}/${REQUESTS} queued exactly once (${distribution}); failed: ${failed}, of which queued: ${failedButQueued}; extra TTS calls per request: ${(calls / REQUESTS - 1).toFixed(2)}`,
    ]);
  }

  const table = markdownTable(rows);
  const machine = machineDescription();
  const report = `# Benchmark: downlinks under TTS faults\n\n${new Date().toISOString()} — ${machine}\n\n${REQUESTS} requests per fault, each fault on the request's first push; TTS timeout ${TIMEOUT_MS} ms.\nQueued copies per request as \`count× copies\`.\n\n${table}\n\nRun: \`npm run bench\` (BENCH_FAULT_REQUESTS).\n`;
  writeFileSync(join(import.meta.dirname, "downlink-faults.md"), report);
  console.log(`\n${table}\n\nwritten to bench/downlink-faults.md`);
} finally {
  await app.endAsync();
  await runtime.close();
  dataDir.remove();
}
if (missed) {
  console.error("a target was missed: a request not queued exactly once, or failed feedback for a queued downlink");
  process.exitCode = 1;
}
