/**
 * `npm run bench` (third part): durable acceptance of the embedded default, run as its own process
 * (`npm start`), with a real MQTT client as TTS publishing QoS 1 uplinks through a 1,000-message
 * in-flight window.
 *
 * 0. The inbox alone, in process: durable acceptances per second with 1,000 waiting at a time
 *    (what group commit gives without MQTT and workflows).
 * 1. Acceptance: uplinks acknowledged per second while the backlog has room (every message a rule
 *    takes written and fdatasync'ed before its PUBACK, group commit), then SIGTERM with a full
 *    backlog: how long the stop takes, what it drained and what it left queued.
 * 2. kill -9: UPLINKS uplinks (default 20,000; first argument) with kill -9 when a random number
 *    of them has been acknowledged, then a restart on the same data dir: every acknowledged uplink
 *    must have an execution (republished before the kill, or run after the restart). Figures:
 *    acknowledged, executed, lost (target 0: exit code 1 otherwise), run twice, times.
 *
 * Prints a table and writes it to bench/durable-acceptance.md.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { temporaryDataDir } from "../local/harness/embedded-runtime.ts";
import { connect } from "../local/harness/mqtt-client.ts";
import { type RuntimeProcess, startRuntimeProcess } from "../local/harness/runtime-process.ts";
import { executedUplinks, joinedDevices, publishUplinks, uplinkKey } from "../local/harness/uplink-ledger.ts";
import { Inbox } from "../local/runtime/inbox/inbox.ts";
import { machineDescription, markdownTable } from "./measure.ts";

const UPLINKS = Number(process.argv[2] ?? process.env["BENCH_DURABLE_UPLINKS"] ?? 20_000);
const ACCEPTANCE_UPLINKS = Math.min(UPLINKS, 10_000);
const WINDOW = 1_000;
/** Small enough that the restart's executions fit in the executions kept (`--max-executions`). */
const KILL_BACKLOG = 2_000;
const STACK = "bench";
const log = (text: string) => process.stderr.write(`${text}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rows: [string, string][] = [];

async function tts(runtime: RuntimeProcess) {
  const client = await connect(runtime.urls.mqtt, `thethings-${STACK}`);
  client.on("error", () => undefined);
  return client;
}

// 0. The inbox alone.
{
  const dataDir = temporaryDataDir();
  try {
    const inbox = await Inbox.open(dataDir.path, { maxMessages: UPLINKS });
    const start = {
      rule: "tts_bench_uplink",
      topic: `thethings/lorawan/${STACK}/uplink`,
      payload: "e30=",
      workflow: "upstream" as const,
      namePrefix: "uplink",
      input: { payload: "x".repeat(1_000), topic: `thethings/lorawan/${STACK}/uplink`, timestamp: 0 },
    };
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next++ < UPLINKS) await inbox.accept(start, { durable: true });
    };
    await Promise.all(Array.from({ length: WINDOW }, worker));
    const ms = performance.now() - started;
    await inbox.close();
    rows.push([
      "inbox alone: durable acceptances per second (1 KB input, 1,000 waiting)",
      `${Math.round(UPLINKS / (ms / 1000))}/s`,
    ]);
  } finally {
    dataDir.remove();
  }
}

// 1. Acceptance rate, and SIGTERM with a full backlog.
{
  const dataDir = temporaryDataDir();
  try {
    const runtime = await startRuntimeProcess({
      dataDir: dataDir.path,
      stackName: STACK,
      args: ["--max-backlog", String(ACCEPTANCE_UPLINKS), "--max-backlog-mb", "512"],
    });
    const client = await tts(runtime);
    const devices = joinedDevices({ count: 200, stackName: STACK, seed: 21 });
    const started = performance.now();
    const publisher = publishUplinks(client, { stackName: STACK, devices, count: ACCEPTANCE_UPLINKS, window: WINDOW });
    await publisher.finished;
    const acceptMs = performance.now() - started;
    log(`accepted ${publisher.acked.size} in ${seconds(acceptMs)}`);
    const stopping = performance.now();
    runtime.child.kill("SIGTERM");
    const { code } = await runtime.exited;
    const stopMs = performance.now() - stopping;
    client.end(true);
    const summary = /^Stopped: drained (\d+) executions, (\d+) left queued/m.exec(runtime.stdout());
    rows.push(
      [
        "acknowledged per second, backlog below its bound (fdatasync'ed before PUBACK)",
        `${Math.round(publisher.acked.size / (acceptMs / 1000))}/s (${publisher.acked.size} uplinks in ${seconds(acceptMs)}, workflows running meanwhile)`,
      ],
      [
        "SIGTERM with a full backlog",
        `exit ${code} after ${seconds(stopMs)}: drained ${summary?.[1] ?? "?"}, left queued ${summary?.[2] ?? "?"}`,
      ],
    );
  } finally {
    dataDir.remove();
  }
}

// 2. kill -9 at a random moment, restart: acknowledged but lost must be 0.
let lost = 0;
{
  const dataDir = temporaryDataDir();
  const args = ["--max-backlog", String(KILL_BACKLOG), "--max-executions", String(3 * KILL_BACKLOG)];
  let second: RuntimeProcess | undefined;
  try {
    const first = await startRuntimeProcess({ dataDir: dataDir.path, stackName: STACK, args });
    // What executions republished before the kill.
    const app = await connect(first.urls.mqtt, "bench-application");
    app.on("error", () => undefined);
    const republished: string[] = [];
    app.on("message", (_, payload) => republished.push(uplinkKey(JSON.parse(payload.toString()))));
    await app.subscribeAsync("lorawan/+/uplink", { qos: 1 });

    const client = await tts(first);
    const devices = joinedDevices({ count: 200, stackName: STACK, seed: 22 });
    const killAt = Math.floor(UPLINKS * (0.1 + 0.8 * Math.random()));
    const started = performance.now();
    const publisher = publishUplinks(client, {
      stackName: STACK,
      devices,
      count: UPLINKS,
      window: WINDOW,
      onAck: (acked) => {
        if (acked === killAt) first.child.kill("SIGKILL");
      },
    });
    await publisher.finished;
    const runMs = performance.now() - started;
    await first.exited;
    client.end(true);
    app.end(true);
    log(`killed after ${publisher.acked.size} acknowledged (${seconds(runMs)}); restarting`);

    const restarting = performance.now();
    const restartedAt = new Date();
    second = await startRuntimeProcess({ dataDir: dataDir.path, stackName: STACK, args });
    const startMs = performance.now() - restarting;
    const before = new Set(republished);
    let executedAfter: string[] = [];
    let missing = [...publisher.acked];
    // Until every acknowledged uplink ran, or nothing more ran for 20 s.
    let lastProgress = performance.now();
    while (missing.length > 0 && performance.now() - lastProgress < 20_000) {
      await sleep(2_000);
      const now = await executedUplinks(second.urls.aws, STACK, restartedAt);
      if (now.length > executedAfter.length) lastProgress = performance.now();
      executedAfter = now;
      const executed = new Set([...before, ...executedAfter]);
      missing = [...publisher.acked].filter((key) => !executed.has(key));
      log(`  ${executedAfter.length} run after the restart, ${missing.length} acknowledged without an execution yet`);
    }
    const recoverMs = performance.now() - restarting;
    second.child.kill("SIGTERM");
    await second.exited;
    lost = missing.length;
    const all = [...republished, ...executedAfter];
    const ranTwice = all.length - new Set(all).size;
    rows.push(
      ["kill -9 after (acknowledged)", `${publisher.acked.size} of ${UPLINKS} uplinks, after ${seconds(runMs)}`],
      [
        "executed",
        `${publisher.acked.size - lost} of the acknowledged (${before.size} republished before the kill, ${executedAfter.length} run after the restart)`,
      ],
      ["acknowledged but lost", String(lost)],
      ["run twice (at least once: in flight at the kill)", String(ranTwice)],
      [
        "restart",
        `banner after ${seconds(startMs)} (the killed runtime's lock goes stale after 10 s); all run after ${seconds(recoverMs)}`,
      ],
    );
  } finally {
    second?.child.kill("SIGKILL");
    dataDir.remove();
  }
}

const table = markdownTable(rows);
const machine = machineDescription();
const report = `# Benchmark: durable acceptance\n\n${new Date().toISOString()} — ${machine}\n\n\`npm start\` as a child process, QoS 1 uplinks from one MQTT client with ${WINDOW} in flight; ${UPLINKS} uplinks for kill -9 (backlog bound ${KILL_BACKLOG}), ${ACCEPTANCE_UPLINKS} for the acceptance rate.\n\n${table}\n\nRun: \`npm run bench\`, or \`node bench/durable-acceptance.ts [uplinks]\` (BENCH_DURABLE_UPLINKS).\n`;
writeFileSync(join(import.meta.dirname, "durable-acceptance.md"), report);
console.log(`\n${table}\n\nwritten to bench/durable-acceptance.md`);
if (lost > 0) {
  console.error(`${lost} acknowledged uplinks have no execution`);
  process.exitCode = 1;
}
