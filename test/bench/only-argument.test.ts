import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";

/** A bench run alone with `--only` and a name it does not know must say so, not measure nothing and pass. */
function runBench(script: string, ...args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // Asynchronous: this worker runs other test files meanwhile (the unit project does not isolate them).
    execFile(
      "node_modules/.bin/node",
      [script, ...args],
      { encoding: "utf8", timeout: 20_000 },
      (error, _out, stderr) =>
        resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : null, stderr }),
    );
  });
}

describe("benches' --only", () => {
  it("bench/lambdas.ts refuses a name that is no function, naming it and the functions", async () => {
    const run = await runBench("bench/lambdas.ts", "--only", "ensure-thing,ensure-thingz");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("not a function: ensure-thingz");
    expect(run.stderr).toContain("Functions: ensure-thing, update-shadow");
  });

  it("bench/lambdas.ts refuses --only without names", async () => {
    const run = await runBench("bench/lambdas.ts", "--only");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("none given");
  });

  it("bench/execution-store.ts refuses a scenario it does not have", async () => {
    const run = await runBench("bench/execution-store.ts", "--only", "lat");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--only takes one of large, ordinary, latency; not a scenario: lat");
  });
});
