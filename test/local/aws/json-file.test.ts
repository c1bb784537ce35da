import { readdir, readFile, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { CorruptStateFileError } from "../../../local/aws/errors.ts";
import { CoalescedJsonWriter, MAX_JSON_FILE_BYTES, readJsonFileSync } from "../../../local/aws/json-file.ts";
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
    await expect.poll(() => readJsonFileSync(file, z.unknown()), { timeout: 2000 }).toEqual({ ok: true });
  });

  it("does nothing on flush when nothing changed", async () => {
    const writer = new CoalescedJsonWriter({ file: join(dataDir, "state.json"), snapshot: () => ({}) });
    await writer.flush();
    expect(writer.writeCount).toBe(0);
  });
});

describe("readJsonFileSync", () => {
  const Shape = z.object({ things: z.array(z.object({ name: z.string() })) });

  it("is undefined for a missing file", () => {
    expect(readJsonFileSync(join(dataDir, "none.json"), Shape)).toBeUndefined();
  });

  it("gives back a file of the expected shape", async () => {
    const file = join(dataDir, "good.json");
    await writeFile(file, '{"things":[{"name":"a"}]}');
    expect(readJsonFileSync(file, Shape)).toEqual({ things: [{ name: "a" }] });
  });

  it("refuses a corrupt file rather than starting empty", async () => {
    const file = join(dataDir, "bad.json");
    await writeFile(file, "{ half");
    expect(() => readJsonFileSync(file, Shape)).toThrow(CorruptStateFileError);
  });

  it.each([
    ["{}", "at things"],
    ["[1,2]", "at the top level"],
    ['{"things":[{"name":7}]}', "at things.0.name"],
  ])("refuses %s, naming the file, the field and the way out", async (text, where) => {
    const file = join(dataDir, "wrong-shape.json");
    await writeFile(file, text);
    expect(() => readJsonFileSync(file, Shape)).toThrow(
      expect.objectContaining({
        name: "CorruptStateFileError",
        file,
        message: expect.stringMatching(
          new RegExp(`^State file ${file} cannot be read \\(unexpected shape ${where}: .+\\)\\. .*move the file aside`),
        ),
      }),
    );
  });

  it("refuses a file too large to read as one string, without reading it", async () => {
    const file = join(dataDir, "huge.json");
    await writeFile(file, "");
    await truncate(file, MAX_JSON_FILE_BYTES + 1); // sparse: takes no disk
    expect(() => readJsonFileSync(file, Shape)).toThrow(
      /huge\.json cannot be read \(268435457 bytes, more than the 268435456 /,
    );
  });
});
