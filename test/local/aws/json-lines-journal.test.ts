import { mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  JsonLinesJournal,
  journalLine,
  MAX_LINE_BYTES,
  readJsonLinesSync,
} from "../../../local/aws/json-lines-journal.ts";
import { makeDataDir, removeDataDir } from "./endpoint-fixture.ts";

let dataDir: string;
let file: string;
beforeEach(async () => {
  dataDir = await makeDataDir();
  file = join(dataDir, "journal.jsonl");
});
afterEach(async () => {
  await removeDataDir(dataDir);
});

function readAll(path = file): { entries: unknown[]; bytes: number } {
  const entries: unknown[] = [];
  const bytes = readJsonLinesSync(path, (entry) => entries.push(entry));
  return { entries, bytes };
}

describe("readJsonLinesSync", () => {
  it("reads nothing from a missing file", () => {
    expect(readAll(join(dataDir, "none.jsonl"))).toEqual({ entries: [], bytes: 0 });
  });

  it("reads lines longer than its read chunk, and lines that straddle chunks", () => {
    const long = "x".repeat(2.5 * 1024 * 1024);
    const lines = [{ a: 1 }, { long }, { b: 2 }, { long: long.slice(1) }];
    writeFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(""));
    expect(readAll()).toEqual({ entries: lines, bytes: statSync(file).size });
  });

  it("cuts a torn last line off the file, so the next append starts a line of its own", async () => {
    writeFileSync(file, '{"kept":1}\n{"kept":2}\n{"torn":');
    expect(readAll()).toEqual({ entries: [{ kept: 1 }, { kept: 2 }], bytes: 22 });
    expect(readFileSync(file, "utf8")).toBe('{"kept":1}\n{"kept":2}\n');

    const journal = new JsonLinesJournal({ file, bytes: 22 });
    journal.append(journalLine('{"next":3}'));
    await journal.flush();
    expect(readAll().entries).toEqual([{ kept: 1 }, { kept: 2 }, { next: 3 }]);
  });

  it("refuses a damaged line in the middle, naming the file and the line", () => {
    writeFileSync(file, '{"a":1}\n{"torn":{"b":2}\n{"c":3}\n');
    expect(() => readAll()).toThrow(
      expect.objectContaining({ name: "CorruptStateFileError", file, message: expect.stringContaining("line 2") }),
    );
  });

  it("with cutGarbageLastLine, cuts a last line that is not JSON, but refuses one with anything after it", () => {
    const read = () => readJsonLinesSync(file, () => undefined, { cutGarbageLastLine: true });
    writeFileSync(file, '{"a":1}\n\0\0\0\0\n');
    expect(read()).toBe(8);
    expect(readFileSync(file, "utf8")).toBe('{"a":1}\n');
    writeFileSync(file, '{"a":1}\n\0\0\0\0\n{"b"');
    expect(read).toThrow(
      expect.objectContaining({ name: "CorruptStateFileError", message: expect.stringContaining("line 2") }),
    );
    expect(() => readAll()).toThrow(/line 2/);
  });

  it("refuses a line too long to be a record, before making it a string", () => {
    writeFileSync(file, '{"a":1}\n');
    truncateSync(file, MAX_LINE_BYTES + 1024); // the rest: NUL bytes, no newline
    expect(() => readAll()).toThrow(/line 2 is longer than 64 MB/);
  });
});

describe("JsonLinesJournal", () => {
  it("coalesces appends and counts the bytes it wrote", async () => {
    const journal = new JsonLinesJournal({ file, delayMs: 10_000 });
    journal.append(journalLine('{"a":"é"}'));
    journal.append(journalLine('{"b":2}'));
    await journal.flush();
    expect(readFileSync(file, "utf8")).toBe('{"a":"é"}\n{"b":2}\n');
    expect(journal.bytes).toBe(statSync(file).size);
  });

  it("rewrites the file atomically in chunks, keeping appends made meanwhile, and leaves no temp file", async () => {
    const journal = new JsonLinesJournal({ file, delayMs: 1 });
    for (let i = 0; i < 100; i++) journal.append(journalLine(JSON.stringify({ old: i })));
    await journal.flush();
    const kept = Array.from({ length: 50 }, (_, i) =>
      journalLine(JSON.stringify({ kept: i, pad: "p".repeat(20_000) })),
    );
    const bytes = kept.reduce((sum, line) => sum + line.byteLength + 1, 0);
    const rewriting = journal.rewrite(kept, bytes);
    journal.append(journalLine('{"after":true}'));
    await rewriting;
    await journal.flush();
    const { entries } = readAll();
    expect(entries).toHaveLength(51);
    expect(entries.at(-1)).toEqual({ after: true });
    expect(journal.bytes).toBe(statSync(file).size);
    expect(readdirSync(dataDir)).toEqual(["journal.jsonl"]);
  });

  it("keeps the appends a failed rewrite dropped: the old file stays and gets them, and its size is right", async () => {
    const journal = new JsonLinesJournal({ file, delayMs: 10_000 });
    journal.append(journalLine('{"a":1}'));
    await journal.flush();
    journal.append(journalLine('{"b":2}'));
    // The rewrite's temp file cannot be created: a directory stands in its way.
    mkdirSync(`${file}.${process.pid}.tmp`);
    const rewriting = journal.rewrite([journalLine('{"a":1}'), journalLine('{"b":2}')], 16);
    journal.append(journalLine('{"c":3}'));
    await expect(rewriting).rejects.toThrow(/EISDIR/);
    await journal.flush();
    expect(readAll().entries).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(journal.bytes).toBe(statSync(file).size);
  });
});
