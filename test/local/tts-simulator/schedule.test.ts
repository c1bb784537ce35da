import { describe, expect, it } from "vitest";
import { firstUplinkDelayMs, joinDelayMs, nextUplinkDelayMs } from "../../../local/tts-simulator/schedule.ts";
import { SeededRandom } from "../../../local/tts-simulator/seeded-random.ts";

describe("traffic schedule", () => {
  const random = new SeededRandom(8);
  const samples = (delay: (intervalMs: number, random: SeededRandom) => number, intervalMs: number) =>
    Array.from({ length: 500 }, () => delay(intervalMs, random));

  it("spreads joins over one interval, at most five seconds", () => {
    const short = samples(joinDelayMs, 1_000);
    expect(Math.max(...short)).toBeLessThan(1_000);
    expect(Math.max(...short) - Math.min(...short)).toBeGreaterThan(500);
    expect(Math.max(...samples(joinDelayMs, 600_000))).toBeLessThan(5_000);
  });

  it("sends the first uplink soon after the join", () => {
    expect(Math.max(...samples(firstUplinkDelayMs, 600_000))).toBeLessThanOrEqual(500);
    expect(Math.max(...samples(firstUplinkDelayMs, 50))).toBeLessThanOrEqual(12.5);
  });

  it("keeps uplinks within ±10 % of the interval, not in lock-step", () => {
    const delays = samples(nextUplinkDelayMs, 10_000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(9_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(11_000);
    expect(new Set(delays).size).toBe(delays.length);
  });
});
