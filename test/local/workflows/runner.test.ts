/** The local workflow runner's shutdown: executions a drain's time limit cuts short leave no trace and run again. */
import { describe, expect, it } from "vitest";
import { FUNCTIONS, type FunctionName } from "../../../functions/catalogue.ts";
import { ExecutionStore } from "../../../local/aws/execution-store.ts";
import { type ExecutionSummary, LocalWorkflows } from "../../../local/workflows/runner.ts";
import type { LocalHandlers } from "../../../local/workflows/task-overrides.ts";
import { useDataDirs } from "../../support/data-dirs.ts";

const dataDir = useDataDirs();

describe("local workflows: drain", () => {
  it("aborts what is still running when the time is up: no summary, no finish recorded, ABORTED at the next load", async () => {
    const dir = dataDir();
    const handlers = Object.fromEntries(
      (Object.keys(FUNCTIONS) as FunctionName[]).map((name) => [name, async () => ({})]),
    ) as LocalHandlers;
    let releaseStep: (value: unknown) => void = () => undefined;
    const stepEntered = new Promise<void>((entered) => {
      handlers["ensure-thing"] = () =>
        new Promise((resolve) => {
          releaseStep = resolve;
          entered();
        });
    });
    const store = new ExecutionStore({ dataDir: dir });
    const finished: ExecutionSummary[] = [];
    const workflows = new LocalWorkflows({
      stackName: "s1",
      handlers,
      sdk: { override: () => async () => ({}) },
      store,
      onFinished: (summary) => finished.push(summary),
    });

    const started = workflows.start("upstream", { payload: "e30=" });
    await stepEntered;
    expect(await workflows.drain(1)).toEqual({ drained: 0, stillRunning: 1 });
    // The step it was in ends after all: the execution must not go on, nor be recorded as ended.
    releaseStep({ thing: "t" });
    expect(await started.done).toBeUndefined();
    expect(finished).toEqual([]);
    expect(store.get(started.executionArn)?.status).toBe("RUNNING");
    await store.flush();
    expect(new ExecutionStore({ dataDir: dir }).get(started.executionArn)?.status).toBe("ABORTED");
  });
});
