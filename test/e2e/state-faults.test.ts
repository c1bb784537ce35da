/**
 * The data dir under faults, through `npm start`'s entry point: a kill -9 in the middle of compacting the
 * executions journal, and state files of the wrong shape.
 */
import { existsSync, type FSWatcher, renameSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExecutionStore } from "../../local/aws/execution-store.ts";
import { temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import { startNode } from "../../local/harness/node-process.ts";
import { CLI_READY, startCli } from "../../local/harness/runtime-process.ts";

const dataDirs: { remove: () => void }[] = [];
function dataDir(): string {
  const dir = temporaryDataDir();
  dataDirs.push(dir);
  return dir.path;
}
afterAll(() => {
  for (const dir of dataDirs) dir.remove();
});

/** Starts the filler and kills it with SIGKILL as soon as its compaction's temp file appears. */
async function killDuringCompaction(dir: string): Promise<{ durable: number; temp: string; tempLeft: boolean }> {
  const filler = startNode("test/support/execution-store-filler.ts", [dir, "30"]);
  const temp = join(dir, `executions.jsonl.${filler.process.pid}.tmp`);
  let watcher: FSWatcher | undefined;
  const compacting = new Promise<void>((resolve) => {
    watcher = watch(dir, (_event, name) => {
      if (name !== null && join(dir, name) === temp) resolve();
    });
  });
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 30_000));
  await Promise.race([compacting, timeout, filler.exited]);
  await filler.stop("SIGKILL");
  watcher?.close();
  const durable = Math.max(0, ...[...filler.output().stdout.matchAll(/durable (\d+)/g)].map((m) => Number(m[1])));
  return { durable, temp, tempLeft: existsSync(temp) };
}

describe("kill -9 during compaction of the executions journal", () => {
  it("leaves a data dir that starts twice, with every execution recorded before the kill", async () => {
    const dir = dataDir();
    // The kill must land while the temp file is written (it is renamed away a few ms later): a few tries at most.
    let killed = await killDuringCompaction(dir);
    for (let attempt = 1; attempt < 5 && !killed.tempLeft; attempt++) killed = await killDuringCompaction(dir);
    expect(killed.tempLeft).toBe(true);
    expect(killed.durable).toBeGreaterThanOrEqual(30);

    // First restart: simulated traffic appends to the journal that survived the kill.
    const first = startCli(dir, { devices: "1", interval: "0.2", "max-executions": "1000" });
    await first.waitForOutput(CLI_READY);
    await first.waitForOutput(/upstream[^\n]* ok [^\n]*\n[^\n]*upstream[^\n]* ok /);
    expect(await first.stop("SIGTERM")).toBe(0);
    expect(existsSync(killed.temp)).toBe(false);

    const second = startCli(dir, { "max-executions": "1000" });
    await second.waitForOutput(CLI_READY);
    expect(await second.stop("SIGTERM")).toBe(0);

    const store = new ExecutionStore({ dataDir: dir, maxExecutions: 1000 });
    const names = new Set(store.list().map((execution) => execution.name));
    const recorded = Array.from({ length: 30 }, (_, i) => `e${killed.durable - 30 + i}`);
    expect(recorded.filter((name) => !names.has(name))).toEqual([]);
    expect(store.list().filter((execution) => execution.stateMachineArn.endsWith("-upstream")).length).toBeGreaterThan(
      0,
    );
    await store.flush();
  }, 180_000);
});

describe("state files of the wrong shape", () => {
  it.each([
    ["registry.json", "{}"],
    ["shadows.json", "[1,2]"],
    ["secrets.json", "{}"],
    ["executions.jsonl", '{"v":2}\n'],
  ])(
    "%s holding %s: npm start refuses, naming the file and the way out, and starts once it is moved aside",
    async (name, text) => {
      const dir = dataDir();
      const file = join(dir, name);
      writeFileSync(file, text);
      const refused = startCli(dir);
      expect(await refused.exited).toBe(1);
      const { stderr } = refused.output();
      expect(stderr).toContain(`Could not start: State file ${file} cannot be read (`);
      expect(stderr).toContain(`move the file aside (mv '${file}' '${file}.damaged')`);
      expect(stderr).not.toMatch(/Cannot read properties|TypeError|\n\s+at /);

      // The recovery the message and the README give.
      renameSync(file, `${file}.damaged`);
      const recovered = startCli(dir);
      await recovered.waitForOutput(CLI_READY);
      expect(await recovered.stop("SIGTERM")).toBe(0);
    },
    60_000,
  );
});
