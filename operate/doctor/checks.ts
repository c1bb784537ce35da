/**
 * One check of `doctor`: what was checked, whether it holds, what was found, and for a failure the one
 * thing to do about it. A check that could not be made (`skipped`: nothing to check it with, or an
 * earlier failure stands in its way) fails nothing and says why.
 */
export interface CheckResult {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string;
  readonly skipped?: true;
}

export function passed(check: string, detail: string): CheckResult {
  return { check, ok: true, detail };
}

export function failed(check: string, detail: string, fix: string): CheckResult {
  return { check, ok: false, detail, fix };
}

export function skippedCheck(check: string, detail: string): CheckResult {
  return { check, ok: true, detail, skipped: true };
}

/** `thing_not_found ×2, tts_unavailable` — most frequent first. */
export function topErrors(errors: readonly string[], shown = 3): string {
  const counts = new Map<string, number>();
  for (const error of errors) counts.set(error, (counts.get(error) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const named = sorted.slice(0, shown).map(([error, count]) => (count > 1 ? `${error} ×${count}` : error));
  return sorted.length > shown ? `${named.join(", ")}, …` : named.join(", ");
}

export function checklist(
  results: readonly CheckResult[],
  style: (status: "passed" | "failed" | "skipped", text: string) => string,
): string[] {
  return results.flatMap((result) => [
    result.skipped
      ? style("skipped", `- ${result.check}: ${result.detail}`)
      : style(result.ok ? "passed" : "failed", `${result.ok ? "✓" : "✗"} ${result.check}: ${result.detail}`),
    ...(result.fix === undefined ? [] : [`    fix: ${result.fix}`]),
  ]);
}
