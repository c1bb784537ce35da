/** `--since 90s`, `30m`, `1h`, `2d`: how far back a command looks. */
import { UsageError } from "./usage-error.ts";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (match === null)
    throw new UsageError(`${option} ${text}: expected a number and a unit (s, m, h, d), e.g. 30m or 1h`);
  const [, amount, unit] = match;
  const ms = Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  if (ms <= 0) throw new UsageError(`${option} ${text}: must be more than zero`);
  return ms;
}

/** `1234` → `1.2s`; `850` → `850ms`; `125000` → `2m5s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms - minutes * 60_000) / 1000)}s`;
}
