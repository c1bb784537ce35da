/**
 * `npm run bench`: the AWS cost per million uplinks of each environment in the deployment
 * configuration (read with the stack's own loader), by bench/cost-model.ts.
 *
 * Measured: the Step Functions log bytes of one steady-state upstream execution, from the AWS-format
 * log records the embedded default writes (level ALL with execution data), recounted for every level
 * and for execution data off as Step Functions would log them. Assumed (stated in docs/cost.md): AWS
 * durations, one subscriber to the republished topic, the uplink interval for the thing cache.
 *
 * Writes its section of bench/results.md.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { FUNCTIONS } from "../functions/catalogue.ts";
import { THING_CACHE_TTL_SECONDS } from "../functions/settings.ts";
import { WORKFLOW_LOG_LEVELS, type WorkflowLogLevel } from "../infra/config/environment-schema.ts";
import { configFilePath, loadDeploymentConfig, parseDeploymentConfig } from "../infra/config/load-config.ts";
import { FUNCTION_SETTINGS } from "../infra/lambda/function-settings.ts";
import { sdkClients, startEmbeddedRuntime, temporaryDataDir } from "../local/harness/embedded-runtime.ts";
import { executionLogRecords } from "../local/harness/execution-logs.ts";
import { connect } from "../local/harness/mqtt-client.ts";
import { isLogged, withoutExecutionData } from "../local/workflows/execution-log-records.ts";
import { stateMachineName } from "../workflows/catalogue.ts";
import {
  costPerMillionUplinks,
  type ExecutionLogBytes,
  LOG_EVENT_OVERHEAD_BYTES,
  officialDesignPerMillion,
  thingCacheMissRate,
  total,
  type UplinkUsage,
  usd,
} from "./cost-model.ts";
import { writeResultsSection } from "./results-file.ts";

const STACK = "bench";
/** A typical LoRaWAN uplink interval (devices send every 5–60 minutes). */
const UPLINK_INTERVAL_SECONDS = 15 * 60;

async function measuredLogBytes(): Promise<ExecutionLogBytes> {
  const dataDir = temporaryDataDir();
  const arns: string[] = [];
  const runtime = await startEmbeddedRuntime(
    { dataDir: dataDir.path, stackName: STACK, workflowLogLevel: "ALL", includeExecutionData: "on" },
    { onExecution: (summary) => arns.push(summary.executionArn) },
  );
  const tts = await connect(runtime.urls.mqtt, `thethings-${STACK}`);
  try {
    const uplink = readFileSync(join(import.meta.dirname, "../test/fixtures/tts/uplink.json"));
    // The second uplink of the device is the steady state: its thing is cached.
    for (let i = 0; i < 2; i++) {
      await tts.publishAsync(`thethings/lorawan/${STACK}/uplink`, uplink, { qos: 1 });
      while (arns.length === i) await runtime.workflows.idle();
    }
    const { logs } = sdkClients(runtime);
    const records = (
      await executionLogRecords(logs, stateMachineName(STACK, "upstream"), `{ $.execution_arn = "${arns[1]}" }`)
    ).map((record) => record as unknown as { type: string; details: Record<string, unknown> });
    const bytes = (level: WorkflowLogLevel, withData: boolean) =>
      records
        .filter((record) => isLogged(record.type, level))
        .map((record) => (withData ? record : { ...record, details: withoutExecutionData(record.details) }))
        .reduce((sum, record) => sum + Buffer.byteLength(JSON.stringify(record)) + LOG_EVENT_OVERHEAD_BYTES, 0);
    const byLevel = (withData: boolean) =>
      Object.fromEntries(WORKFLOW_LOG_LEVELS.map((level) => [level, bytes(level, withData)])) as Record<
        WorkflowLogLevel,
        number
      >;
    return { withData: byLevel(true), withoutData: byLevel(false) };
  } finally {
    await tts.endAsync();
    await runtime.close();
    dataDir.remove();
  }
}

/** AWS durations are not the local twin's: warm invocations, stated in docs/cost.md. */
const BILLED_MS = { "ensure-thing": 5, "update-shadow": 30, republish: 20 } as const;
const EXPRESS_MS = 150;

const logBytes = await measuredLogBytes();
const { file, environments } = loadDeploymentConfig(configFilePath(process.env));
const rows: [string, string][] = [];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
for (const level of ["ALL", "ERROR"] as const) {
  rows.push([
    `Step Functions log per execution, ${level}`,
    `${kb(logBytes.withData[level])} with execution data, ${kb(logBytes.withoutData[level])} without`,
  ]);
}
// Every setting at its default: only what has none is given.
const defaults = parseDeploymentConfig({
  environments: {
    defaults: {
      stackName: "defaults",
      region: "us-east-1",
      tts: { flavour: "ttn", url: "https://eu1.cloud.thethings.network", applicationIds: ["app"] },
    },
  },
});
for (const { name, config } of [...defaults, ...environments]) {
  const usage: UplinkUsage = {
    lambdas: (Object.keys(BILLED_MS) as (keyof typeof BILLED_MS)[]).map((fn) => ({
      name: fn,
      memoryMb: FUNCTION_SETTINGS[fn].memoryMb,
      billedMs: BILLED_MS[fn],
    })),
    expressMs: EXPRESS_MS,
    expressMemoryMb: 64,
    thingCacheMissRate: thingCacheMissRate(config.things.cacheTtlSeconds, UPLINK_INTERVAL_SECONDS),
    shadowUpdates: config.things.shadowMetrics ? 1 : 0,
    subscribers: 1,
    logBytes,
  };
  const lines = costPerMillionUplinks(usage, {
    ...config.workflows,
    logRetentionDays: config.logRetentionDays,
  });
  const { logLevel, includeExecutionData, tracing } = config.workflows;
  const settings = `${logLevel}${includeExecutionData ? " + data" : ""}, tracing ${tracing ? "on" : "off"}`;
  rows.push([`${name} (${settings}) per million uplinks`, usd(total(lines))]);
  console.log(`\n${name} (${settings}): ${usd(total(lines))} per million uplinks`);
  for (const line of lines) console.log(`  ${line.component.padEnd(48)} ${usd(line.perMillion)}`);
}
const official = officialDesignPerMillion({ shadowUpdates: 1, subscribers: 1 });
rows.push(["official one-Lambda design per million uplinks", usd(total(official))]);
console.log(`\nofficial one-Lambda design: ${usd(total(official))}; functions: ${Object.keys(FUNCTIONS).length}`);
console.log(
  `\n${writeResultsSection({
    title: "AWS cost per million uplinks",
    preface:
      `${new Date().toISOString()} — ${relative(process.cwd(), file)}; us-east-1 list prices (docs/cost.md); uplink every ` +
      `${UPLINK_INTERVAL_SECONDS / 60} min, thing cache TTL default ${THING_CACHE_TTL_SECONDS.fallback} s, one subscriber.`,
    rows,
    footer: "Run alone: `node bench/cost.ts`. Model: bench/cost-model.ts, docs/cost.md.",
  })}`,
);
