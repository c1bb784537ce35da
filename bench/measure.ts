/** Small statistics for the benchmark, and the line saying what machine it ran on. */
import { cpus } from "node:os";

/** `2 × AMD EPYC, Node v22.…`: the start of every results section's preface. */
export function machineDescription(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, Node ${process.version}`;
}

/** The middle value (the lower middle of an even count), of values in any order. */
export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function percentile(sortedValues: readonly number[], p: number): number {
  if (sortedValues.length === 0) return Number.NaN;
  const index = Math.min(sortedValues.length - 1, Math.ceil((p / 100) * sortedValues.length) - 1);
  return sortedValues[Math.max(0, index)]!;
}

export function markdownTable(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([name]) => name.length), "measure".length);
  return [
    `| ${"measure".padEnd(width)} | value |`,
    `| ${"-".repeat(width)} | ----- |`,
    ...rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value} |`),
  ].join("\n");
}

export interface Deliveries {
  readonly published: number;
  /** Distinct uplinks that came out. */
  readonly republished: number;
  readonly lost: number;
  /** Copies beyond the first of an uplink that came out more than once. */
  readonly duplicated: number;
  /** Came out, but never published: a mixed-up payload. */
  readonly unexpected: number;
}

/** Published uplink keys against the keys of what was republished. */
export function deliveries(published: readonly string[], republished: readonly string[]): Deliveries {
  const sent = new Set(published);
  const distinct = new Set(republished);
  return {
    published: sent.size,
    republished: distinct.size,
    lost: [...sent].filter((key) => !distinct.has(key)).length,
    duplicated: republished.length - distinct.size,
    unexpected: [...distinct].filter((key) => !sent.has(key)).length,
  };
}

/** A count a bench takes from the environment (`name`, else `fallback`): refused unless a positive integer. */
export function countFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: "${text}" is not a positive integer`);
  return value;
}
