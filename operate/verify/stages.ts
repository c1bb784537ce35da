/**
 * The stages of `verify`, in order, and how their results print: one line per stage with its time, and
 * for a failure the hint that says where to look.
 */
import { formatDuration } from "../durations.ts";

export const STAGES = ["publish", "execution", "thing", "shadow", "republish", "cleanup"] as const;
export type StageName = (typeof STAGES)[number];

export interface StageOutcome {
  readonly ok: boolean;
  readonly detail: string;
  readonly hint?: string;
}

export interface StageResult {
  readonly stage: StageName;
  readonly status: "passed" | "failed" | "skipped";
  readonly durationMs: number;
  readonly detail: string;
  readonly hint?: string;
}

export function passed(detail: string): StageOutcome {
  return { ok: true, detail };
}

export function failed(detail: string, hint: string): StageOutcome {
  return { ok: false, detail, hint };
}

export function skipped(stage: StageName, detail: string): StageResult {
  return { stage, status: "skipped", durationMs: 0, detail };
}

/** The first stage that failed (the stages after a failed one are skipped, but cleanup always runs). */
export function failedStage(results: readonly StageResult[]): StageName | undefined {
  return results.find((result) => result.status === "failed")?.stage;
}

const MARK = { passed: "✓", failed: "✗", skipped: "-" } as const;
const WIDTH = Math.max(...STAGES.map((stage) => stage.length));

export function stageLines(
  results: readonly StageResult[],
  style: (status: StageResult["status"], text: string) => string,
): string[] {
  return results.flatMap((result) => {
    const time = result.status === "skipped" ? "" : formatDuration(result.durationMs);
    const line = `${MARK[result.status]} ${result.stage.padEnd(WIDTH)}  ${time.padEnd(6)}  ${result.detail}`;
    return [style(result.status, line), ...(result.hint === undefined ? [] : [`    hint: ${result.hint}`])];
  });
}

export function summaryLine(results: readonly StageResult[], totalMs: number): string {
  const failure = failedStage(results);
  if (failure === undefined) {
    const kept = results.some((result) => result.stage === "cleanup" && result.status === "skipped");
    return `all stages passed in ${formatDuration(totalMs)}${kept ? " (test thing kept)" : ""}`;
  }
  const cleanup = results.find((result) => result.stage === "cleanup");
  const after =
    failure === "cleanup" || cleanup === undefined
      ? ""
      : cleanup.status === "passed"
        ? " (cleanup ran)"
        : cleanup.status === "failed"
          ? " (and cleanup failed)"
          : " (test thing kept)";
  return `stage ${failure} failed${after}`;
}
