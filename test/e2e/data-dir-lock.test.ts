/** One runtime per data directory: a second one refuses to start, and the directory is free again after close. */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import { startTestRuntime } from "../support/local-runtime.ts";

const dataDir = temporaryDataDir();
afterAll(() => dataDir.remove());

describe("the data directory lock", () => {
  it("refuses a second runtime on a data dir in use, naming it, and frees it on close", async () => {
    const first = await startTestRuntime({ dataDir: dataDir.path });
    try {
      await expect(startTestRuntime({ dataDir: dataDir.path })).rejects.toMatchObject({
        name: "DataDirLockedError",
        message: expect.stringContaining(`${dataDir.path} is in use by another running tts-aws-iot runtime`),
      });
      // The refused runtime touched nothing: the first keeps serving.
      expect(first.urls.aws).toMatch(/^http:/);
    } finally {
      await first.close();
    }
    const second = await startTestRuntime({ dataDir: dataDir.path });
    await second.close();
  });

  it("removes temp files of writes a crash interrupted", async () => {
    const stale = [join(dataDir.path, "executions.jsonl.4242.tmp"), join(dataDir.path, "registry.json.123456")];
    for (const file of stale) writeFileSync(file, "half a write");
    const runtime = await startTestRuntime({ dataDir: dataDir.path });
    await runtime.close();
    expect(stale.filter((file) => existsSync(file))).toEqual([]);
  });
});
