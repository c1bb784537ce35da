/**
 * When each simulated device talks. Jitter keeps a fleet from publishing in lock-step (real devices
 * power up at different moments and their clocks drift), which also spreads load on the bridge.
 */
import type { SeededRandom } from "./seeded-random.ts";

/** Joins are spread over at most this long, so a large fleet still comes online quickly. */
const MAX_JOIN_SPREAD_MS = 5_000;
/** A device sends its first uplink shortly after its join, as real firmware does. */
const MAX_FIRST_UPLINK_WAIT_MS = 2_000;
const INTERVAL_JITTER = 0.1;

export function joinDelayMs(intervalMs: number, random: SeededRandom): number {
  return random.between(0, Math.min(intervalMs, MAX_JOIN_SPREAD_MS));
}

export function firstUplinkDelayMs(intervalMs: number, random: SeededRandom): number {
  return Math.min(intervalMs, MAX_FIRST_UPLINK_WAIT_MS) * random.between(0.05, 0.25);
}

export function nextUplinkDelayMs(intervalMs: number, random: SeededRandom): number {
  return intervalMs * random.between(1 - INTERVAL_JITTER, 1 + INTERVAL_JITTER);
}
