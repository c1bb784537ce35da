import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** A bench run alone with `--only` and a name it does not know must say so, not measure nothing and pass. */
function runBench(script: string, ...args: string[]) {
  return spawnSync("node_modules/.bin/node", [script, ...args], { encoding: "utf8", timeout: 60_000 });
}

describe("benches' --only", () => {
  it("bench/lambdas.ts refuses a name that is no function, naming it and the functions", () => {
    const run = runBench("bench/lambdas.ts", "--only", "ensure-thing,ensure-thingz");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("not a function: ensure-thingz");
    expect(run.stderr).toContain("Functions: ensure-thing, update-shadow");
  });

  it("bench/lambdas.ts refuses --only without names", () => {
    const run = runBench("bench/lambdas.ts", "--only");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("none given");
  });

  it("bench/execution-store.ts refuses a scenario it does not have", () => {
    const run = runBench("bench/execution-store.ts", "--only", "lat");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--only takes one of large, ordinary, latency; not a scenario: lat");
  });
});
