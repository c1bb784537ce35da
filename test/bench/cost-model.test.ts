import { describe, expect, it } from "vitest";
import {
  costPerMillionUplinks,
  expressBilledGbSeconds,
  logCost,
  officialDesignPerMillion,
  thingCacheMissRate,
  total,
  type UplinkUsage,
} from "../../bench/cost-model.ts";

const usage: UplinkUsage = {
  lambdas: [
    { name: "ensure-thing", memoryMb: 256, billedMs: 5 },
    { name: "update-shadow", memoryMb: 256, billedMs: 30 },
    { name: "republish", memoryMb: 256, billedMs: 20 },
  ],
  expressMs: 150,
  expressMemoryMb: 64,
  thingCacheMissRate: 0.02,
  shadowUpdates: 1,
  subscribers: 1,
  logBytes: {
    withData: { ALL: 24_000, ERROR: 0, FATAL: 0, OFF: 0 },
    withoutData: { ALL: 3_000, ERROR: 0, FATAL: 0, OFF: 0 },
  },
};
const line = (lines: ReturnType<typeof costPerMillionUplinks>, prefix: string) =>
  lines.find((candidate) => candidate.component.startsWith(prefix))!.perMillion;

describe("cost model", () => {
  // AWS Step Functions pricing: Express duration in 100 ms increments, memory in 64 MB increments.
  it("bills Express duration in 100 ms and 64 MB increments", () => {
    expect(expressBilledGbSeconds(150, 10)).toBeCloseTo(0.2 * 0.0625);
    expect(expressBilledGbSeconds(100, 65)).toBeCloseTo(0.1 * 0.125);
  });

  it("prices CloudWatch Logs ingestion per GB and storage per GB-month of retention", () => {
    const gb = 1024 ** 3;
    expect(logCost(gb / 1e6, 30)).toEqual({ ingestion: 0.5, storage: 0.03 });
    expect(logCost(gb / 1e6, 90).storage).toBeCloseTo(0.09);
  });

  it("adds the logs of the configured level and execution data, and X-Ray only when tracing", () => {
    const settings = { logLevel: "ALL", includeExecutionData: true, tracing: true, logRetentionDays: 30 } as const;
    const all = costPerMillionUplinks(usage, settings);
    expect(line(all, "CloudWatch Logs: ingestion")).toBeCloseTo((24_000e6 / 1024 ** 3) * 0.5);
    expect(line(all, "X-Ray")).toBe(5);
    const quiet = costPerMillionUplinks(usage, { ...settings, logLevel: "ERROR", tracing: false });
    expect(line(quiet, "CloudWatch Logs: ingestion")).toBe(0);
    expect(line(quiet, "X-Ray")).toBe(0);
    const withoutData = costPerMillionUplinks(usage, { ...settings, includeExecutionData: false });
    expect(line(withoutData, "CloudWatch Logs: ingestion")).toBeCloseTo((3_000e6 / 1024 ** 3) * 0.5);
  });

  it("counts the contract's floor: message in, rule + action, republish in and out, shadow", () => {
    const lines = costPerMillionUplinks(usage, {
      logLevel: "OFF",
      includeExecutionData: false,
      tracing: false,
      logRetentionDays: 30,
    });
    const floor = ["IoT Core: TTS", "IoT Core: rule", "IoT Core: republish", "IoT Core: shadow"]
      .map((prefix) => line(lines, prefix))
      .reduce((a, b) => a + b);
    expect(floor).toBeCloseTo(4.55);
    // + Express 1.00 + 0.21, Lambda 3 × 0.20 + 55 ms at 256 MB on Arm, registry 0.025.
    expect(total(lines)).toBeCloseTo(4.55 + 1 + 0.2084 + 0.6 + 0.1833 + 0.025, 2);
  });

  it("makes a DescribeThing per uplink only when the cache expires before the next uplink", () => {
    expect(thingCacheMissRate(10_800, 3_600)).toBe(0.02);
    expect(thingCacheMissRate(600, 900)).toBe(1);
  });

  it("prices the official one-Lambda design", () => {
    expect(total(officialDesignPerMillion({ shadowUpdates: 1, subscribers: 1 }))).toBeCloseTo(6.38, 1);
  });
});
