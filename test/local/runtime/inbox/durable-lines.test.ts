import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DurableLines } from "../../../../local/runtime/inbox/durable-lines.ts";
import { useDataDirs } from "../../../support/data-dirs.ts";

const dataDir = useDataDirs();
async function openLines(file: string): Promise<{ lines: DurableLines; entries: unknown[] }> {
  const entries: unknown[] = [];
  const lines = await DurableLines.open(file, (entry) => entries.push(entry));
  return { lines, entries };
}
function journalFile(): string {
  return join(dataDir(), "journal.jsonl");
}

describe("durable lines", () => {
  it("writes the appends of one moment in one batch, on disk when the first resolves, and reads them back in order", async () => {
    const file = journalFile();
    const { lines } = await openLines(file);
    const appends = Array.from({ length: 500 }, (_, index) => lines.append({ index }));
    await appends[0];
    expect(readFileSync(file, "utf8").trimEnd().split("\n")).toHaveLength(500);
    await Promise.all(appends);
    await lines.close();
    const reopened = await openLines(file);
    expect(reopened.entries).toEqual(Array.from({ length: 500 }, (_, index) => ({ index })));
    await reopened.lines.close();
  });

  it("writes a lazy line with the next append, after its delay when none comes, and at close", async () => {
    const file = journalFile();
    const never = await DurableLines.open(file, () => undefined, { lazyDelayMs: 3_600_000 });
    const lazy = never.appendLazily({ done: "a" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(readFileSync(file, "utf8")).toBe("");
    await never.append({ id: "b" });
    await lazy;
    expect(readFileSync(file, "utf8")).toBe('{"done":"a"}\n{"id":"b"}\n');
    const atClose = never.appendLazily({ done: "b" });
    await never.close();
    await atClose;
    expect(readFileSync(file, "utf8")).toBe('{"done":"a"}\n{"id":"b"}\n{"done":"b"}\n');

    const soon = await DurableLines.open(file, () => undefined, { lazyDelayMs: 1 });
    await soon.appendLazily({ done: "c" });
    expect(readFileSync(file, "utf8").trimEnd().split("\n").at(-1)).toBe('{"done":"c"}');
    await soon.close();
  });

  it("cuts a torn last line before appending, so the line after it is whole", async () => {
    const file = journalFile();
    writeFileSync(file, '{"a":1}\n{"a":2}\n{"a":');
    const { lines, entries } = await openLines(file);
    expect(entries).toEqual([{ a: 1 }, { a: 2 }]);
    expect(readFileSync(file, "utf8")).toBe('{"a":1}\n{"a":2}\n');
    await lines.append({ a: 3 });
    await lines.close();
    expect((await openLines(file)).entries).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it("cuts a last line of garbage (zeroed blocks after a power loss) but names the file for a bad line before it", async () => {
    const file = journalFile();
    writeFileSync(file, '{"a":1}\n\0\0\0\0\n');
    const { lines, entries } = await openLines(file);
    expect(entries).toEqual([{ a: 1 }]);
    await lines.close();
    appendFileSync(file, "not json\n{}\n");
    await expect(openLines(file)).rejects.toThrow(
      new RegExp(`^State file ${file} cannot be read \\(line 2: .*\\)\\. Stop the runtime and move the file aside`),
    );
  });

  it("compacts atomically to a snapshot that stands for the file and every append still waiting", async () => {
    const file = journalFile();
    const { lines } = await openLines(file);
    await Promise.all([lines.append({ n: 1 }), lines.append({ n: 2 })]);
    const waiting = lines.append({ n: 3 });
    const compacted = lines.compact(() => '{"n":3}\n');
    await Promise.all([waiting, compacted]);
    expect(readFileSync(file, "utf8")).toBe('{"n":3}\n');
    expect(lines.size).toBe(8);
    await lines.append({ n: 4 });
    await lines.close();
    expect((await openLines(file)).entries).toEqual([{ n: 3 }, { n: 4 }]);
  });
});
