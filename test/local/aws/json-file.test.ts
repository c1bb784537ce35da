import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CorruptStateFileError } from "../../../local/aws/errors.ts";
import { CoalescedJsonWriter, readJsonFileSync } from "../../../local/aws/json-file.ts";
import { makeDataDir, removeDataDir } from "./endpoint-fixture.ts";

let dataDir: string;
beforeEach(async () => {
  dataDir = await makeDataDir();
});
afterEach(async () => {
  await removeDataDir(dataDir);
});

describe("CoalescedJsonWriter", () => {
  it("writes a burst of changes once, with the last state, and leaves no temp file", async () => {
    const file = join(dataDir, "nested", "state.json");
    let state = 0;
    const writer = new CoalescedJsonWriter({ file, snapshot: () => ({ state }), delayMs: 10_000 });
    for (let i = 1; i <= 1000; i++) {
      state = i;
      writer.schedule();
    }
    expect(writer.writeCount).toBe(0);
    await writer.flush();
    expect(writer.writeCount).toBe(1);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ state: 1000 });
    expect(await readdir(join(dataDir, "nested"))).toEqual(["state.json"]);
  });

  it("writes by itself after the delay", async () => {
    const file = join(dataDir, "state.json");
    const writer = new CoalescedJsonWriter({ file, snapshot: () => ({ ok: true }), delayMs: 5 });
    writer.schedule();
    await expect.poll(() => readJsonFileSync(file), { timeout: 2000 }).toEqual({ ok: true });
  });

  it("does nothing on flush when nothing changed", async () => {
    const writer = new CoalescedJsonWriter({ file: join(dataDir, "state.json"), snapshot: () => ({}) });
    await writer.flush();
    expect(writer.writeCount).toBe(0);
  });
});

describe("readJsonFileSync", () => {
  it("is undefined for a missing file", () => {
    expect(readJsonFileSync(join(dataDir, "none.json"))).toBeUndefined();
  });

  it("refuses a corrupt file rather than starting empty", async () => {
    const file = join(dataDir, "bad.json");
    await writeFile(file, "{ half");
    expect(() => readJsonFileSync(file)).toThrow(CorruptStateFileError);
  });
});
