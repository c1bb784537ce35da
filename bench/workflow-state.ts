/**
 * `npm run bench` (third part): the upstream workflow's state size, end to end through the embedded
 * default. Each TTS fixture, and uplinks of 90 KB and of 128 KB (the most AWS IoT Core takes), is
 * published as TTS publishes it; per execution:
 * - the largest state: the biggest input, output, task parameters or task result, against Step
 *   Functions' 262,144 bytes (past it AWS fails the execution with States.DataLimitExceeded);
 * - the bytes it would log at level ALL with execution data: the sum over its history events'
 *   input, output, parameters and results (CloudWatch Logs bills ingestion by the byte).
 *
 * Prints a table and writes it to bench/workflow-state.md; exits 1 when an execution does not succeed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { STEP_FUNCTIONS_LIMITS } from "../functions/core/step-functions-limits.ts";
import { startEmbeddedRuntime, temporaryDataDir } from "../local/harness/embedded-runtime.ts";
import { uplinkOfSize } from "../local/harness/large-uplink.ts";
import { connect } from "../local/harness/mqtt-client.ts";
import type { ExecutionSummary } from "../local/workflows/runner.ts";
import { markdownTable } from "./measure.ts";

const STACK = "bench";
const FIXTURES = join(import.meta.dirname, "..", "test", "fixtures", "tts");
const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.json`));
const uplink = JSON.parse(fixture("uplink").toString("utf8")) as Record<string, unknown>;

const CASES: readonly { label: string; topic: string; message: Buffer }[] = [
  { label: "join-accept.json", topic: "join", message: fixture("join-accept") },
  { label: "uplink.json", topic: "uplink", message: fixture("uplink") },
  { label: "downlink-ack.json", topic: "downlink/ack", message: fixture("downlink-ack") },
  { label: "downlink-failed.json", topic: "downlink/failed", message: fixture("downlink-failed") },
  { label: "uplink of 90 KB", topic: "uplink", message: uplinkOfSize(uplink, 90 * 1024) },
  { label: "uplink of 128 KB (IoT Core's maximum)", topic: "uplink", message: uplinkOfSize(uplink, 128 * 1024) },
];

const finished: ExecutionSummary[] = [];
const dataDir = temporaryDataDir();
const runtime = await startEmbeddedRuntime(
  { dataDir: dataDir.path, stackName: STACK },
  { onExecution: (summary) => finished.push(summary) },
);
const tts = await connect(runtime.urls.mqtt, `thethings-${STACK}`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const exact = (bytes: number) => `${bytes.toLocaleString("en-US")} bytes`;

try {
  const rows: [string, string][] = [];
  let allSucceeded = true;
  for (const { label, topic, message } of CASES) {
    const before = finished.length;
    await tts.publishAsync(`thethings/lorawan/${STACK}/${topic}`, message, { qos: 1 });
    while (finished.length === before) await runtime.workflows.idle();
    const execution = finished[before]!;
    const { maxStateBytes, loggedBytes } = execution.dataSize;
    const share = ((100 * maxStateBytes) / STEP_FUNCTIONS_LIMITS.maxPayloadBytes).toFixed(0);
    const outcome =
      execution.status === "SUCCEEDED" ? "" : ` — ${execution.status}: ${execution.error} (${execution.cause})`;
    allSucceeded &&= execution.status === "SUCCEEDED";
    rows.push([
      `${label} (${kb(message.length)})`,
      `largest state ${exact(maxStateBytes)} (${share} % of the limit), logged at level ALL ${exact(loggedBytes)}${outcome}`,
    ]);
  }
  const table = markdownTable(rows);
  const report = `# Benchmark: upstream workflow state size\n\n${new Date().toISOString()}\n\n${table}\n\nRun: \`npm run bench\`.\n`;
  writeFileSync(join(import.meta.dirname, "workflow-state.md"), report);
  console.log(`\n${table}\n\nwritten to bench/workflow-state.md`);
  if (!allSucceeded) {
    console.error("an upstream execution did not succeed: see the table");
    process.exitCode = 1;
  }
} finally {
  await tts.endAsync();
  await runtime.close();
  dataDir.remove();
}
