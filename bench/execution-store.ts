/**
 * `npm run bench` (second part): the executions journal under load, through the embedded runtime with a
 * real MQTT client as TTS. Each scenario runs in a child process of its own, so its peak RSS is its own; the
 * MQTT clients (TTS, an application) run in a further process of their own (bench/mqtt-clients.ts), as real
 * clients would: the runtime's thread, CPU and RSS are the runtime's only.
 *
 * - large: uplinks of ~126 KB (just under AWS IoT's 128 KB), then the data dir's size, a restart, peak RSS;
 * - ordinary: uplinks of the simulator, then RSS and heap with that many executions kept;
 * - latency: uplinks at a fixed rate for a while (default 200/s for 120 s): publish → republished, p50/p99/max,
 *   and the event loop's delay (a compaction that blocked it would show there).
 *
 * Options: --large-uplinks (1000) --ordinary-uplinks (1000) --rate (200) --seconds (120) --only <scenario>.
 * Prints a table and writes it to bench/execution-store.md.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { ExecutionStore } from "../local/aws/execution-store.ts";
import { startEmbeddedRuntime, temporaryDataDir } from "../local/harness/embedded-runtime.ts";
import { RUNTIME_NODE_FLAGS } from "../local/runtime/heap-growth.ts";
import type { LocalRuntime } from "../local/runtime/runtime.ts";
import { forkClients } from "./client-process.ts";
import { machineDescription, markdownTable, percentile } from "./measure.ts";

const STACK = "bench";
const DEVICES = 100;
/** Executions started but not finished at most: the broker is not the bottleneck measured here. */
const IN_FLIGHT = 48;

const { values: options, positionals } = parseArgs({
  options: {
    "large-uplinks": { type: "string", default: "1000" },
    "ordinary-uplinks": { type: "string", default: "1000" },
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "120" },
    only: { type: "string" },
  },
  allowPositionals: true,
});
const log = (text: string) => process.stderr.write(`${text}\n`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

type Rows = [string, string][];
const SCENARIOS: Record<string, () => Promise<Rows>> = { large, ordinary, latency };

if (positionals[0] !== undefined) {
  // A child: one scenario, its rows as JSON on stdout.
  const rows = await SCENARIOS[positionals[0]]!();
  process.stdout.write(`${JSON.stringify(rows)}\n`);
  process.exit(0);
}

if (options.only !== undefined && !Object.hasOwn(SCENARIOS, options.only)) {
  console.error(`--only takes one of ${Object.keys(SCENARIOS).join(", ")}; not a scenario: ${options.only}`);
  process.exit(2);
}

const rows: Rows = [];
for (const name of Object.keys(SCENARIOS)) {
  if (options.only !== undefined && options.only !== name) continue;
  log(`${name}…`);
  const args = Object.entries(options).flatMap(([key, value]) => (key === "only" ? [] : [`--${key}`, String(value)]));
  try {
    const output = execFileSync(
      process.execPath,
      [...RUNTIME_NODE_FLAGS, "--expose-gc", import.meta.filename, name, ...args],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    rows.push(...(JSON.parse(output.trim().split("\n").at(-1)!) as Rows));
  } catch (error) {
    // One scenario failing (e.g. a machine too loaded for the rate) still reports the others.
    rows.push([name, `failed: ${(error as Error).message.split("\n")[0]}`]);
    process.exitCode = 1;
  }
}
const table = markdownTable(rows);
const machine = machineDescription();
writeFileSync(
  join(import.meta.dirname, "execution-store.md"),
  `# Benchmark: executions journal\n\n${new Date().toISOString()} — ${machine}\n\n${table}\n\n` +
    "Run: `node bench/execution-store.ts [--large-uplinks N] [--ordinary-uplinks N] [--rate N] [--seconds N] [--only large|ordinary|latency]`.\n",
);
console.log(`\n${table}\n\nwritten to bench/execution-store.md`);

/** The runtime on a fresh data dir, the MQTT clients (TTS, an application) in their own process, joins done. */
async function setUp(dataDir: string, extra: { maxExecutions?: number } = {}) {
  let finished = 0;
  const runtime = await startEmbeddedRuntime(
    { dataDir, stackName: STACK, ...extra },
    {
      onExecution: () => {
        finished += 1;
      },
    },
  );
  const clients = forkClients();
  await clients.send({ type: "connect", url: runtime.urls.mqtt, stackName: STACK, devices: DEVICES }, "ready");
  await clients.send({ type: "joins" }, "published");
  await runtime.workflows.idle();
  const end = () => clients.send({ type: "end" }, "ended");
  return { runtime, clients, end, finished: () => finished };
}

/** Publishes `count` uplinks with at most IN_FLIGHT executions unfinished, and waits for all of them. */
async function publishAll(setup: Awaited<ReturnType<typeof setUp>>, count: number, kind: "ordinary" | "large") {
  const base = setup.finished();
  let sent = 0;
  while (sent < count) {
    const room = Math.min(count - sent, IN_FLIGHT - (base + sent - setup.finished()));
    if (room <= 0) {
      await sleep(2);
      continue;
    }
    await setup.clients.send({ type: "uplinks", kind, count: room }, "published");
    sent += room;
  }
  while (setup.finished() < base + count) await sleep(10);
  await setup.runtime.workflows.idle();
}

/** What a runtime on `dataDir` keeps (read once it is closed). */
function keptExecutions(dataDir: string): number {
  return new ExecutionStore({ dataDir, maxExecutions: 1_000_000 }).size;
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

async function large(): Promise<Rows> {
  const count = Number(options["large-uplinks"]);
  const dataDir = temporaryDataDir();
  try {
    const setup = await setUp(dataDir.path);
    const started = performance.now();
    await publishAll(setup, count, "large");
    const seconds = (performance.now() - started) / 1000;
    await setup.end();
    await setup.runtime.close();
    const bytes = dirBytes(dataDir.path);
    const journal = statSync(join(dataDir.path, "executions.jsonl")).size;

    const restartStarted = performance.now();
    const restarted: LocalRuntime = await startEmbeddedRuntime({ dataDir: dataDir.path, stackName: STACK });
    const restartMs = performance.now() - restartStarted;
    await restarted.close();
    const reloaded = keptExecutions(dataDir.path);
    const peak = process.resourceUsage().maxRSS * 1024;
    return [
      [`${count} uplinks of 126 KB`, `${seconds.toFixed(1)} s, ${(count / seconds).toFixed(0)} uplinks/s`],
      ["  data dir after them", `${mb(bytes)} (executions.jsonl ${mb(journal)})`],
      ["  restart", `ok in ${restartMs.toFixed(0)} ms; ${reloaded} executions kept`],
      ["  peak RSS (runtime; the MQTT clients run in their own process)", mb(peak)],
    ];
  } finally {
    dataDir.remove();
  }
}

async function ordinary(): Promise<Rows> {
  const count = Number(options["ordinary-uplinks"]);
  const dataDir = temporaryDataDir();
  try {
    const setup = await setUp(dataDir.path, { maxExecutions: count });
    await publishAll(setup, count, "ordinary");
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    await setup.end();
    await setup.runtime.close();
    const journal = statSync(join(dataDir.path, "executions.jsonl")).size;
    return [
      [
        `RSS with ${keptExecutions(dataDir.path)} executions kept (${count} ordinary uplinks after ${DEVICES} joins)`,
        `${mb(rss)} (heap used ${mb(heapUsed)} after GC; executions.jsonl ${mb(journal)})`,
      ],
    ];
  } finally {
    dataDir.remove();
  }
}

async function latency(): Promise<Rows> {
  const rate = Number(options.rate);
  const seconds = Number(options.seconds);
  const total = Math.round(rate * seconds);
  const dataDir = temporaryDataDir();
  try {
    const setup = await setUp(dataDir.path);
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const cpu = process.cpuUsage();
    const paced = await setup.clients.send({ type: "paced", rate, count: total, waitMs: 120_000 }, "latencies");
    const used = process.cpuUsage(cpu);
    loopDelay.disable();
    await setup.runtime.workflows.idle();
    const journal = statSync(join(dataDir.path, "executions.jsonl")).size;
    await setup.end();
    await setup.runtime.close();
    const latencies = paced.latencies.sort((a, b) => a - b);
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    const perUplink = (cpuMs: number) => `${(cpuMs / total).toFixed(2)} ms`;
    return [
      [
        `latency at ${rate} uplinks/s for ${seconds} s`,
        `p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1) ?? Number.NaN)} (${latencies.length} of ${total} uplinks republished)`,
      ],
      [
        "  CPU per uplink",
        `runtime ${perUplink((used.user + used.system) / 1000)}; bench clients ${perUplink(paced.cpuMs)} (own process)`,
      ],
      [
        "  event loop delay meanwhile",
        `p99 ${ms(loopDelay.percentile(99) / 1e6)}, max ${ms(loopDelay.max / 1e6)} (executions.jsonl ${mb(journal)} at the end)`,
      ],
    ];
  } finally {
    dataDir.remove();
  }
}
