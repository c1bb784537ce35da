/**
 * What one million upstream uplinks cost on AWS, component by component: pure arithmetic over list
 * prices and per-uplink usage. The usage comes from measurements (log bytes per execution from the
 * local runner's AWS-format log records, bench/cost.ts) and from the stack's settings (memory sizes,
 * logging level, tracing); durations on AWS are stated assumptions. Explained in docs/cost.md.
 */

import type { WorkflowLogLevel } from "../infra/config/environment-schema.ts";

/**
 * us-east-1 list prices in USD, first tier, without free tier. Sources (AWS pricing pages): IoT Core
 * https://aws.amazon.com/iot-core/pricing/, Step Functions https://aws.amazon.com/step-functions/pricing/,
 * Lambda https://aws.amazon.com/lambda/pricing/, CloudWatch https://aws.amazon.com/cloudwatch/pricing/,
 * X-Ray https://aws.amazon.com/xray/pricing/ — see docs/cost.md for how each figure was obtained.
 */
export const PRICES = {
  /** Per message (5 KB metering units), inbound or outbound: $1.00 per million. */
  iotMessage: 1.0e-6,
  /** Per rule triggered: $0.15 per million. */
  iotRuleTriggered: 0.15e-6,
  /** Per action executed: $0.15 per million. */
  iotRuleAction: 0.15e-6,
  /** Per device shadow or registry operation (1 KB units): $1.25 per million. */
  iotShadowOrRegistryOperation: 1.25e-6,
  /** Express workflow request: $1.00 per million. */
  expressRequest: 1.0e-6,
  /** Express duration, per GB-second (billed in 100 ms and 64 MB increments). */
  expressGbSecond: 0.00001667,
  /** Lambda request: $0.20 per million. */
  lambdaRequest: 0.2e-6,
  /** Lambda Arm (our functions are arm64) duration, per GB-second (billed per ms). */
  lambdaGbSecond: 0.0000133334,
  /** CloudWatch Logs standard ingestion, per GB. */
  logsIngestionPerGb: 0.5,
  /** CloudWatch Logs storage, per GB-month. */
  logsStoragePerGbMonth: 0.03,
  /** X-Ray, per trace recorded: $5.00 per million. */
  xrayTrace: 5.0e-6,
} as const;

const GB = 1024 ** 3;
/** CloudWatch Logs meters each event's message plus 26 bytes (CloudWatch Logs quotas, PutLogEvents batch size). */
export const LOG_EVENT_OVERHEAD_BYTES = 26;

/** Step Functions log bytes of one execution, by what the state machine logs. */
export interface ExecutionLogBytes {
  readonly withData: Readonly<Record<WorkflowLogLevel, number>>;
  readonly withoutData: Readonly<Record<WorkflowLogLevel, number>>;
}

export interface UplinkUsage {
  /** Lambda invocations of one upstream execution, each with memory and billed duration. */
  readonly lambdas: readonly { readonly name: string; readonly memoryMb: number; readonly billedMs: number }[];
  /** Express execution: wall-clock duration and memory used (billed at least 64 MB). */
  readonly expressMs: number;
  readonly expressMemoryMb: number;
  /** Share of uplinks whose thing is not in the warm container's cache (one DescribeThing each). */
  readonly thingCacheMissRate: number;
  readonly shadowUpdates: number;
  /** Applications subscribed to the republished topic (outbound messages). */
  readonly subscribers: number;
  readonly logBytes: ExecutionLogBytes;
}

export interface LoggingSettings {
  readonly logLevel: WorkflowLogLevel;
  readonly includeExecutionData: boolean;
  readonly tracing: boolean;
  readonly logRetentionDays: number;
}

export interface CostLine {
  readonly component: string;
  /** USD per million uplinks. */
  readonly perMillion: number;
}

const million = (unitPrice: number, perUplink: number): number => unitPrice * perUplink * 1e6;

/** Express duration billing: 100 ms increments, memory in 64 MB increments (AWS Step Functions pricing). */
export function expressBilledGbSeconds(durationMs: number, memoryMb: number): number {
  const seconds = Math.ceil(durationMs / 100) / 10;
  const gb = (Math.max(1, Math.ceil(memoryMb / 64)) * 64) / 1024;
  return seconds * gb;
}

/** Storage upper bound: the ingested bytes kept for the retention period (AWS stores them compressed). */
export function logCost(bytesPerUplink: number, retentionDays: number): { ingestion: number; storage: number } {
  const gbPerMillion = (bytesPerUplink * 1e6) / GB;
  return {
    ingestion: gbPerMillion * PRICES.logsIngestionPerGb,
    storage: gbPerMillion * PRICES.logsStoragePerGbMonth * (retentionDays / 30),
  };
}

/**
 * DescribeThings per uplink: none while the thing is cached, so one per device and container start
 * when the TTL outlasts the uplink interval (assumed 2 %: containers are replaced a few times a day,
 * and concurrent containers each learn the thing once); every uplink when it does not.
 */
export function thingCacheMissRate(ttlSeconds: number, uplinkIntervalSeconds: number): number {
  return uplinkIntervalSeconds < ttlSeconds ? 0.02 : 1;
}

/** Our design: rule → Express workflow → ensure-thing, update-shadow, republish. */
export function costPerMillionUplinks(usage: UplinkUsage, settings: LoggingSettings): CostLine[] {
  const logBytes = (settings.includeExecutionData ? usage.logBytes.withData : usage.logBytes.withoutData)[
    settings.logLevel
  ];
  const logs = logCost(logBytes, settings.logRetentionDays);
  const lambdaGbSeconds = usage.lambdas.reduce((sum, f) => sum + (f.memoryMb / 1024) * (f.billedMs / 1000), 0);
  return [
    { component: "IoT Core: TTS message in", perMillion: million(PRICES.iotMessage, 1) },
    {
      component: "IoT Core: rule triggered + action",
      perMillion: million(PRICES.iotRuleTriggered + PRICES.iotRuleAction, 1),
    },
    {
      component: "IoT Core: republish in + out to subscribers",
      perMillion: million(PRICES.iotMessage, 1 + usage.subscribers),
    },
    {
      component: "IoT Core: shadow updates",
      perMillion: million(PRICES.iotShadowOrRegistryOperation, usage.shadowUpdates),
    },
    {
      component: "IoT Core: registry (DescribeThing on cache miss)",
      perMillion: million(PRICES.iotShadowOrRegistryOperation, usage.thingCacheMissRate),
    },
    { component: "Step Functions Express: requests", perMillion: million(PRICES.expressRequest, 1) },
    {
      component: "Step Functions Express: duration",
      perMillion: million(PRICES.expressGbSecond, expressBilledGbSeconds(usage.expressMs, usage.expressMemoryMb)),
    },
    { component: "Lambda: requests", perMillion: million(PRICES.lambdaRequest, usage.lambdas.length) },
    { component: "Lambda: duration", perMillion: million(PRICES.lambdaGbSecond, lambdaGbSeconds) },
    { component: "CloudWatch Logs: ingestion", perMillion: logs.ingestion },
    { component: "CloudWatch Logs: storage", perMillion: logs.storage },
    { component: "X-Ray: traces", perMillion: settings.tracing ? million(PRICES.xrayTrace, 1) : 0 },
  ];
}

/**
 * TTS's official AWS IoT integration for comparison: one Lambda per uplink behind a rule, which
 * looks the thing up (no cache), updates its shadow and republishes. Its Lambda logs START/END/REPORT
 * in text (about 350 bytes per invocation).
 */
export function officialDesignPerMillion(usage: Pick<UplinkUsage, "shadowUpdates" | "subscribers">): CostLine[] {
  const logs = logCost(350, 30);
  return [
    {
      component: "IoT Core: message in, rule + action",
      perMillion: million(PRICES.iotMessage + PRICES.iotRuleTriggered + PRICES.iotRuleAction, 1),
    },
    { component: "IoT Core: republish in + out", perMillion: million(PRICES.iotMessage, 1 + usage.subscribers) },
    {
      component: "IoT Core: shadow + registry",
      perMillion: million(PRICES.iotShadowOrRegistryOperation, usage.shadowUpdates + 1),
    },
    {
      component: "Lambda: 1 request, 128 MB × 100 ms",
      perMillion: million(PRICES.lambdaRequest, 1) + million(PRICES.lambdaGbSecond, (128 / 1024) * 0.1),
    },
    { component: "CloudWatch Logs (platform lines)", perMillion: logs.ingestion + logs.storage },
  ];
}

export const total = (lines: readonly CostLine[]): number => lines.reduce((sum, line) => sum + line.perMillion, 0);

export const usd = (value: number): string => `$${value.toFixed(2)}`;
