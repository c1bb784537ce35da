/**
 * `npm run bench`: the embedded default measured end to end, with real MQTT clients as TTS and as
 * an application, through the same rules, ASL and handlers as in AWS.
 *
 * - throughput at saturation: uplinks published as fast as TTS's connection allows, until the last
 *   one is republished;
 * - latency at a fixed, lower rate: TTS publish → republished message received, p50/p99;
 * - AWS API calls per uplink, counted at the local endpoint: a device's first message vs steady state;
 * - CloudWatch Logs bytes per upstream execution (level ALL with execution data, the deployed default),
 *   and how long a FilterLogEvents over the whole log group takes once it holds `maxExecutions`;
 * - nothing lost: every uplink of the run, published with QoS 1, republished exactly once (exit code 1
 *   otherwise).
 *
 * Prints a table and writes it to bench/results.md.
 */
import { cpus } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { FilterLogEventsCommand, paginateFilterLogEvents } from "@aws-sdk/client-cloudwatch-logs";
import { sdkClients, startEmbeddedRuntime, temporaryDataDir } from "../local/harness/embedded-runtime.ts";
import { connect, recorder } from "../local/harness/mqtt-client.ts";
import { createSimulatedDevices, type SimulatedDevice } from "../local/tts-simulator/index.ts";
import { stateMachineLogGroupName, stateMachineName } from "../workflows/catalogue.ts";
import { deliveries, percentile } from "./measure.ts";
import { writeResultsSection } from "./results-file.ts";

const STACK = "bench";
const SATURATION_UPLINKS = Number(process.env["BENCH_SATURATION_UPLINKS"] ?? 3000);
const LATENCY_RATE = Number(process.env["BENCH_LATENCY_RATE"] ?? 50);
const LATENCY_SECONDS = Number(process.env["BENCH_LATENCY_SECONDS"] ?? 10);
const DEVICES = 100;

const dataDir = temporaryDataDir();
const runtime = await startEmbeddedRuntime({
  dataDir: dataDir.path,
  stackName: STACK,
  maxExecutions: Number(process.env["BENCH_MAX_EXECUTIONS"] ?? 1000),
});
const tts = await connect(runtime.urls.mqtt, `thethings-${STACK}`);
const app = await connect(runtime.urls.mqtt, "bench-application");
const received = await recorder(app, "lorawan/+/uplink");
const fleet = createSimulatedDevices({ count: DEVICES + 1, stackName: STACK, seed: 7 });
const [probe, ...devices] = [...fleet];

const uplinkTopic = `thethings/lorawan/${STACK}/uplink`;
const publish = (suffix: string, message: unknown) =>
  tts.publishAsync(`thethings/lorawan/${STACK}/${suffix}`, JSON.stringify(message), { qos: 1 });
/** Device and frame counter: what tells one uplink from another, sent or republished. */
const uplinkKey = (message: { end_device_ids: { device_id: string }; uplink_message: { f_cnt?: number } }) =>
  `${message.end_device_ids.device_id}:${message.uplink_message.f_cnt ?? 0}`;
/** When each uplink of the run was published: every uplink goes through publishUplink, so that nothing-lost covers them all. */
const sentAt = new Map<string, number>();
const publishUplink = (device: SimulatedDevice) => {
  const uplink = device.uplink();
  sentAt.set(uplinkKey(uplink), performance.now());
  return tts.publishAsync(uplinkTopic, JSON.stringify(uplink), { qos: 1 });
};
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

try {
  // 1. AWS calls per uplink: a device's first message, then steady state (warm caches).
  probe!.join();
  runtime.aws.resetStats();
  let expected = received.messages.length + 1;
  await publishUplink(probe!);
  await received.waitFor(expected);
  await runtime.workflows.idle();
  const firstCalls = runtime.aws.stats();
  runtime.aws.resetStats();
  const steadyStart = Date.now();
  const steadyUplinks = 20;
  for (let i = 0; i < steadyUplinks; i++) {
    expected = received.messages.length + 1;
    await publishUplink(probe!);
    await received.waitFor(expected);
  }
  await runtime.workflows.idle();
  const steadyCalls = runtime.aws.stats();
  log(`calls: first ${JSON.stringify(firstCalls)}, steady (${steadyUplinks} uplinks) ${JSON.stringify(steadyCalls)}`);
  const steadyLogs = await logMessagesSince(steadyStart);
  const logBytes = steadyLogs.reduce((bytes, message) => bytes + Buffer.byteLength(message), 0) / steadyUplinks;

  // Warm-up: every device joins once, so the runs below measure uplinks of known devices.
  await Promise.all(devices.map((device) => publish("join", device.join())));
  await runtime.workflows.idle();

  // 2. Latency at a fixed lower rate.
  // Measured before the saturation run, so that run's backlog (GC, disk writes) does not leak into it.
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const before = received.messages.length;
  log(`latency: ${total} uplinks at ${LATENCY_RATE}/s…`);
  const latencies: number[] = [];
  const onUplink = (topic: string, payload: Buffer) => {
    const at = sentAt.get(uplinkKey(JSON.parse(payload.toString())));
    if (at !== undefined && topic.endsWith("/uplink")) latencies.push(performance.now() - at);
  };
  app.on("message", onUplink);
  const latencyStart = performance.now();
  for (let i = 0; i < total; i++) {
    const due = latencyStart + (i * 1000) / LATENCY_RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    void publishUplink(devices[i % DEVICES]!);
  }
  await received.waitFor(before + total, 120_000);
  await runtime.workflows.idle();
  app.off("message", onUplink);
  // 3. Throughput at saturation.
  log(`saturation: ${SATURATION_UPLINKS} uplinks from ${DEVICES} devices…`);
  const beforeSaturation = received.messages.length;
  const started = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < SATURATION_UPLINKS; i++) {
    pending.push(publishUplink(devices[i % DEVICES]!));
  }
  await Promise.all(pending);
  const publishedAt = performance.now();
  await received.waitFor(beforeSaturation + SATURATION_UPLINKS, 300_000);
  const saturationSeconds = (performance.now() - started) / 1000;
  await runtime.workflows.idle();
  const throughput = SATURATION_UPLINKS / saturationSeconds;
  log(`saturation: ${throughput.toFixed(0)} uplinks/s (published in ${((publishedAt - started) / 1000).toFixed(2)} s)`);

  latencies.sort((a, b) => a - b);

  // 4. Reading the execution logs back once the log group holds every kept execution: the first read
  // renders them, later ones reuse what is rendered.
  const failedPattern = { logGroupName: upstreamLogGroup, filterPattern: '{ $.type = "ExecutionFailed" }' };
  const filterTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await logs.send(new FilterLogEventsCommand(failedPattern));
    filterTimes.push(performance.now() - start);
  }
  const kept = runtime.aws.executionStore.size;
  log(`FilterLogEvents over ${kept} executions: ${filterTimes.map((ms) => ms.toFixed(0)).join(", ")} ms`);

  const delivered = deliveries(
    [...sentAt.keys()],
    received.messages.map((message) => uplinkKey(JSON.parse(message.payload.toString()))),
  );
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
      `${throughput.toFixed(0)} uplinks/s (${SATURATION_UPLINKS} uplinks, ${DEVICES} devices, ${saturationSeconds.toFixed(2)} s)`,
    ],
    [`latency p50 at ${LATENCY_RATE} uplinks/s`, `${percentile(latencies, 50).toFixed(1)} ms`],
    [
      `latency p99 at ${LATENCY_RATE} uplinks/s`,
      `${percentile(latencies, 99).toFixed(1)} ms (${latencies.length} samples)`,
    ],
    ["AWS calls, first uplink of a device", `${sum(firstCalls)}: ${callsPerUplink(firstCalls, 1)}`],
    [
      "AWS calls per uplink, steady state",
      `${+(sum(steadyCalls) / steadyUplinks).toFixed(2)}: ${callsPerUplink(steadyCalls, steadyUplinks)}`,
    ],
    [
      "CloudWatch Logs per upstream execution (ALL, execution data)",
      `${(logBytes / 1024).toFixed(1)} KB in ${(steadyLogs.length / steadyUplinks).toFixed(1)} records (steady state)`,
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
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, Node ${process.version}`;
  const section = writeResultsSection({
    title: "Embedded default, end to end",
    preface: `${new Date().toISOString()} — ${machine}`,
    rows,
    footer: "Run alone: `node bench/run.ts` (BENCH_SATURATION_UPLINKS, BENCH_LATENCY_RATE, BENCH_LATENCY_SECONDS).",
  });
  console.log(`\n${section}\nwritten to bench/results.md`);
  if (!nothingLost) {
    console.error("uplinks lost, doubled or unexpected: see the table");
    process.exitCode = 1;
  }
} finally {
  logs.destroy();
  await Promise.all([tts.endAsync(), app.endAsync()]);
  await runtime.close();
  dataDir.remove();
}
