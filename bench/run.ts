/**
 * `npm run bench`: the embedded default measured end to end, with real MQTT clients as TTS and as
 * an application, through the same rules, ASL and handlers as in AWS.
 *
 * - AWS API calls per uplink, counted at the local endpoint: a device's first message vs steady state;
 * - CloudWatch Logs bytes per upstream execution (level ALL with execution data, the deployed default);
 * - latency at fixed rates (50 uplinks/s for 60 s; 200 uplinks/s for 120 s, 3 times, the median shown
 *   with each run's p99): TTS publish → republished message received, p50/p99, and the event loop's
 *   delay meanwhile (a stall shows there);
 * - throughput at saturation: uplinks published as fast as TTS's connection allows, until the last
 *   execution ends; and the runtime's CPU time per uplink (process.cpuUsage: far less noisy than
 *   wall-clock figures on a shared machine); the median of 5 runs, each shown;
 * - RSS with `maxExecutions` (1,000) executions kept, after GC;
 * - how long a FilterLogEvents over the whole log group takes once it holds them;
 * - nothing lost: every uplink of the run, published with QoS 1, republished exactly once (exit code 1
 *   otherwise).
 *
 * The load runs use MQTT clients in a process of their own (bench/mqtt-clients.ts), as real clients
 * would: this process's CPU and RSS are the runtime's only.
 *
 * Prints a table and writes its section of bench/results.md.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { FilterLogEventsCommand, paginateFilterLogEvents } from "@aws-sdk/client-cloudwatch-logs";
import { sdkClients, startEmbeddedRuntime, temporaryDataDir } from "../local/harness/embedded-runtime.ts";
import { connect, recorder } from "../local/harness/mqtt-client.ts";
import { withRuntimeNodeFlags } from "../local/harness/runtime-node-flags.ts";
import { createSimulatedDevices, type SimulatedDevice } from "../local/tts-simulator/index.ts";
import { stateMachineLogGroupName, stateMachineName } from "../workflows/catalogue.ts";
import { forkClients } from "./client-process.ts";
import { countFromEnv, type Deliveries, deliveries, machineDescription, median, percentile } from "./measure.ts";
import { writeResultsSection } from "./results-file.ts";

withRuntimeNodeFlags(import.meta.filename);

const STACK = "bench";
const SATURATION_UPLINKS = countFromEnv("BENCH_SATURATION_UPLINKS", 3000);
const SATURATION_RUNS = countFromEnv("BENCH_SATURATION_RUNS", 5);
/**
 * `rate:seconds[xruns]`: runs of `seconds` at `rate` uplinks/s; with several, each p99 is shown and the
 * median is the figure (this shared machine's stalls can push one run's tail by several ms).
 */
const LATENCY_RUNS = (process.env["BENCH_LATENCY_RUNS"] ?? "50:60,200:120x3").split(",").map((run) => {
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)(?:x([1-9]\d*))?$/.exec(run.trim());
  if (match === null) throw new Error(`BENCH_LATENCY_RUNS: "${run}" is not rate:seconds[xruns] (e.g. 200:120x3)`);
  return { rate: Number(match[1]), seconds: Number(match[2]), runs: Number(match[3] ?? 1) };
});
const MAX_EXECUTIONS = countFromEnv("BENCH_MAX_EXECUTIONS", 1000);
const DEVICES = 100;

// RSS is read after a full GC: what the kept executions hold, not garbage not yet collected.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const dataDir = temporaryDataDir();
let finished = 0;
const runtime = await startEmbeddedRuntime(
  { dataDir: dataDir.path, stackName: STACK, maxExecutions: MAX_EXECUTIONS },
  {
    onExecution: () => {
      finished += 1;
    },
  },
);
const log = (text: string) => process.stderr.write(`${text}\n`);
const { logs } = sdkClients(runtime);
const upstreamLogGroup = stateMachineLogGroupName(stateMachineName(STACK, "upstream"));
const logMessagesSince = async (startTime: number): Promise<string[]> => {
  const messages: string[] = [];
  for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName: upstreamLogGroup, startTime })) {
    messages.push(...(page.events ?? []).map((event) => event.message ?? ""));
  }
  return messages;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;
const untilFinished = async (count: number, timeoutMs: number) => {
  const deadline = performance.now() + timeoutMs;
  while (finished < count && performance.now() < deadline) await sleep(5);
};

/** Device and frame counter: what tells one uplink from another, sent or republished. */
type UplinkKey = { end_device_ids: { device_id: string }; uplink_message: { f_cnt?: number } };
const uplinkKey = (message: UplinkKey) => `${message.end_device_ids.device_id}:${message.uplink_message.f_cnt ?? 0}`;

/** 1. AWS calls per uplink of one device, first message then steady state, and its log bytes; clients in process. */
async function callsAndLogs() {
  const tts = await connect(runtime.urls.mqtt, `thethings-${STACK}`);
  const app = await connect(runtime.urls.mqtt, "bench-application");
  try {
    const received = await recorder(app, "lorawan/+/uplink");
    const [probe] = [...createSimulatedDevices({ count: 1, stackName: STACK, seed: 7 })] as [SimulatedDevice];
    const sent: string[] = [];
    const publishUplink = () => {
      const uplink = probe.uplink();
      sent.push(uplinkKey(uplink as UplinkKey));
      return tts.publishAsync(`thethings/lorawan/${STACK}/uplink`, JSON.stringify(uplink), { qos: 1 });
    };
    probe.join();
    runtime.aws.resetStats();
    await publishUplink();
    await received.waitFor(1);
    await runtime.workflows.idle();
    const firstCalls = runtime.aws.stats();
    runtime.aws.resetStats();
    const steadyStart = Date.now();
    const steadyUplinks = 20;
    for (let i = 0; i < steadyUplinks; i++) {
      await publishUplink();
      await received.waitFor(i + 2);
    }
    await runtime.workflows.idle();
    const steadyCalls = runtime.aws.stats();
    log(`calls: first ${JSON.stringify(firstCalls)}, steady (${steadyUplinks} uplinks) ${JSON.stringify(steadyCalls)}`);
    const steadyLogs = await logMessagesSince(steadyStart);
    const logBytes = steadyLogs.reduce((bytes, message) => bytes + Buffer.byteLength(message), 0) / steadyUplinks;
    const delivered = deliveries(
      sent,
      received.messages.map((message) => uplinkKey(JSON.parse(message.payload.toString()))),
    );
    return {
      firstCalls,
      steadyCalls,
      steadyUplinks,
      logBytes,
      logRecords: steadyLogs.length / steadyUplinks,
      delivered,
    };
  } finally {
    await Promise.all([tts.endAsync(), app.endAsync()]);
  }
}

try {
  const probe = await callsAndLogs();

  // The load runs: MQTT clients in their own process, every device joined once first.
  const clients = forkClients();
  await clients.send(
    { type: "connect", url: runtime.urls.mqtt, stackName: STACK, devices: DEVICES, ledger: true },
    "ready",
  );
  await clients.send({ type: "joins" }, "published");
  await runtime.workflows.idle();

  // 2. Latency at fixed rates, before the saturation run, so that its backlog (GC, disk writes) does not leak in.
  const latencyRows: [string, string][] = [];
  for (const { rate, seconds, runs } of LATENCY_RUNS) {
    const count = Math.round(rate * seconds);
    const measured: LatencyRun[] = [];
    for (let run = 1; run <= runs; run++) {
      const of = runs > 1 ? ` (run ${run}/${runs})` : "";
      log(`latency: ${count} uplinks at ${rate}/s${of}…`);
      measured.push(await latencyRun(clients, rate, count));
      log(`latency at ${rate}/s${of}: p50 ${ms(measured.at(-1)!.p50)}, p99 ${ms(measured.at(-1)!.p99)}`);
    }
    latencyRows.push(...latencyRowsOf(rate, seconds, count, measured));
  }

  // 3. Throughput at saturation, and the runtime's CPU per uplink: the median of several runs, since this
  // shared machine's pace drifts by ±20% over minutes and one run can land in a slow spell.
  const saturationRuns: { throughput: number; cpuPerUplink: number }[] = [];
  for (let run = 1; run <= SATURATION_RUNS; run++) {
    log(`saturation ${run}/${SATURATION_RUNS}: ${SATURATION_UPLINKS} uplinks from ${DEVICES} devices…`);
    const base = finished;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await clients.send({ type: "burst", count: SATURATION_UPLINKS }, "published");
    const publishedAt = performance.now();
    await untilFinished(base + SATURATION_UPLINKS, 300_000);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    await runtime.workflows.idle();
    const measured = {
      throughput: SATURATION_UPLINKS / seconds,
      cpuPerUplink: (used.user + used.system) / 1000 / SATURATION_UPLINKS,
    };
    saturationRuns.push(measured);
    log(
      `saturation ${run}/${SATURATION_RUNS}: ${measured.throughput.toFixed(0)} uplinks/s, ${measured.cpuPerUplink.toFixed(2)} ms CPU per uplink (published in ${((publishedAt - started) / 1000).toFixed(2)} s)`,
    );
  }
  const throughput = median(saturationRuns.map((run) => run.throughput));
  const cpuPerUplink = median(saturationRuns.map((run) => run.cpuPerUplink));
  const inOrder = (values: number[], digits: number) => values.map((value) => value.toFixed(digits)).join(", ");
  log(`saturation: median ${throughput.toFixed(0)} uplinks/s, ${cpuPerUplink.toFixed(2)} ms CPU per uplink`);

  // 4. Memory with the executions kept.
  collectGarbage();
  const { rss, heapUsed } = process.memoryUsage();
  const kept = runtime.aws.executionStore.size;

  // 5. Reading the execution logs back once the log group holds every kept execution: the first read
  // renders them, later ones reuse what is rendered.
  const failedPattern = { logGroupName: upstreamLogGroup, filterPattern: '{ $.type = "ExecutionFailed" }' };
  const filterTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await logs.send(new FilterLogEventsCommand(failedPattern));
    filterTimes.push(performance.now() - start);
  }
  log(`FilterLogEvents over ${kept} executions: ${filterTimes.map((time) => time.toFixed(0)).join(", ")} ms`);

  // Republished messages may still be on their way to the application.
  await sleep(500);
  const { deliveries: loaded } = await clients.send({ type: "tally" }, "tally");
  await clients.send({ type: "end" }, "ended");
  const delivered = sumDeliveries(probe.delivered, loaded);
  const ruleFailures = runtime.ruleFailures.length;
  const nothingLost =
    delivered.lost === 0 && delivered.duplicated === 0 && delivered.unexpected === 0 && ruleFailures === 0;
  log(`nothing lost: ${JSON.stringify({ ...delivered, ruleFailures })}`);

  const callsPerUplink = (stats: Record<string, number>, uplinks: number) =>
    Object.entries(stats)
      .sort()
      .map(([operation, count]) => `${operation} ${+(count / uplinks).toFixed(2)}`)
      .join(", ");
  const sum = (stats: Record<string, number>) => Object.values(stats).reduce((a, b) => a + b, 0);
  const rows: [string, string][] = [
    [
      "throughput at saturation",
      `${throughput.toFixed(0)} uplinks/s, median of ${SATURATION_RUNS} runs of ${SATURATION_UPLINKS} uplinks from ${DEVICES} devices (runs in order: ${inOrder(
        saturationRuns.map((run) => run.throughput),
        0,
      )})`,
    ],
    [
      "CPU per uplink at saturation",
      `${cpuPerUplink.toFixed(2)} ms, median (runs in order: ${inOrder(
        saturationRuns.map((run) => run.cpuPerUplink),
        2,
      )}; runtime process, the MQTT clients run in their own)`,
    ],
    ...latencyRows,
    [
      `RSS with ${kept} executions kept`,
      `${(rss / 2 ** 20).toFixed(1)} MB (heap used ${(heapUsed / 2 ** 20).toFixed(1)} MB after GC)`,
    ],
    ["AWS calls, first uplink of a device", `${sum(probe.firstCalls)}: ${callsPerUplink(probe.firstCalls, 1)}`],
    [
      "AWS calls per uplink, steady state",
      `${+(sum(probe.steadyCalls) / probe.steadyUplinks).toFixed(2)}: ${callsPerUplink(probe.steadyCalls, probe.steadyUplinks)}`,
    ],
    [
      "CloudWatch Logs per upstream execution (ALL, execution data)",
      `${(probe.logBytes / 1024).toFixed(1)} KB in ${probe.logRecords.toFixed(1)} records (steady state)`,
    ],
    [
      "FilterLogEvents, JSON pattern, whole log group",
      `${filterTimes[0]!.toFixed(0)} ms first, ${filterTimes[2]!.toFixed(0)} ms rendered (${kept} executions kept)`,
    ],
    [
      "nothing lost (QoS 1, whole run)",
      `${delivered.published} uplinks published, ${delivered.republished} republished, ${delivered.lost} lost, ${delivered.duplicated} duplicated, ${ruleFailures} rule failures`,
    ],
  ];
  const machine = machineDescription();
  const section = writeResultsSection({
    title: "Embedded default, end to end",
    preface: `${new Date().toISOString()} — ${machine}`,
    rows,
    footer:
      "Run alone: `node bench/run.ts` (BENCH_SATURATION_UPLINKS, BENCH_SATURATION_RUNS, BENCH_LATENCY_RUNS as `rate:seconds[xruns],…`, BENCH_MAX_EXECUTIONS).",
  });
  console.log(`\n${section}\nwritten to bench/results.md`);
  if (!nothingLost) {
    console.error("uplinks lost, doubled or unexpected: see the table");
    process.exitCode = 1;
  }
} finally {
  logs.destroy();
  await runtime.close();
  dataDir.remove();
}

function sumDeliveries(a: Deliveries, b: Deliveries): Deliveries {
  return {
    published: a.published + b.published,
    republished: a.republished + b.republished,
    lost: a.lost + b.lost,
    duplicated: a.duplicated + b.duplicated,
    unexpected: a.unexpected + b.unexpected,
  };
}

/** One run at a fixed rate: TTS publish → republished latency, CPU per uplink, and the event loop's delay. */
interface LatencyRun {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly cpuPerUplink: number;
  readonly loopP99: number;
  readonly loopMax: number;
  readonly republished: number;
}

async function latencyRun(clients: ReturnType<typeof forkClients>, rate: number, count: number): Promise<LatencyRun> {
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const cpu = process.cpuUsage();
  const paced = await clients.send({ type: "paced", rate, count, waitMs: 60_000 }, "latencies");
  const used = process.cpuUsage(cpu);
  loopDelay.disable();
  await runtime.workflows.idle();
  const latencies = paced.latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    cpuPerUplink: (used.user + used.system) / 1000 / count,
    loopP99: loopDelay.percentile(99) / 1e6,
    loopMax: loopDelay.max / 1e6,
    republished: latencies.length,
  };
}

/** The rows of one rate: with several runs, the medians, each run's p99 and max, and the max of all. */
function latencyRowsOf(rate: number, seconds: number, count: number, runs: readonly LatencyRun[]): [string, string][] {
  const medianOf = (pick: (run: LatencyRun) => number) => median(runs.map(pick));
  const maxOf = (pick: (run: LatencyRun) => number) => Math.max(...runs.map(pick));
  const republished = runs.reduce((sum, run) => sum + run.republished, 0);
  const several = runs.length > 1;
  const over = several
    ? `(median of ${runs.length} runs of ${seconds} s; ${republished} of ${count * runs.length} republished)`
    : `(${republished} of ${count} republished, over ${seconds} s)`;
  const eachRun = several
    ? `; runs in order: ${runs.map((run) => `${ms(run.p99)} (max ${ms(run.max)})`).join(", ")}`
    : "";
  return [
    [`latency p50 at ${rate} uplinks/s`, `${ms(medianOf((run) => run.p50))} ${over}`],
    [
      `latency p99 at ${rate} uplinks/s`,
      `${ms(medianOf((run) => run.p99))} (max ${ms(maxOf((run) => run.max))}${eachRun})`,
    ],
    [
      `  CPU per uplink and event loop delay at ${rate} uplinks/s`,
      `${medianOf((run) => run.cpuPerUplink).toFixed(2)} ms; loop delay p99 ${ms(medianOf((run) => run.loopP99))}, max ${ms(maxOf((run) => run.loopMax))}${several ? " (medians; max of all runs)" : ""}`,
    ],
  ];
}
