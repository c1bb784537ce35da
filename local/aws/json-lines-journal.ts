/**
 * An append-only file of JSON lines, for state that grows by whole records (executions). Appends are
 * coalesced like `CoalescedJsonWriter`'s writes, but cost only the new lines: rewriting a large
 * snapshot a few times a second blocked the event loop for tens of milliseconds under load.
 * `rewrite()` compacts the file atomically (write-file-atomic) when the caller decides.
 */
import { existsSync, readFileSync } from "node:fs";
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { CorruptStateFileError } from "./errors.ts";

export function readJsonLinesSync(file: string): unknown[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, "utf8").split("\n");
  const entries: unknown[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      entries.push(JSON.parse(line));
    } catch (error) {
      // A crash in the middle of an append leaves a torn last line: that one is dropped, not fatal.
      if (index >= lines.length - 2) return;
      throw new CorruptStateFileError(
        file,
        `line ${index + 1}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  });
  return entries;
}

export class JsonLinesJournal {
  readonly #file: string;
  readonly #delayMs: number;
  #pending: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** One file operation at a time, in order. */
  #writing: Promise<void> = Promise.resolve();

  constructor(options: { file: string; delayMs?: number }) {
    this.#file = options.file;
    this.#delayMs = options.delayMs ?? 250;
  }

  /** @returns the line as written, so a caller can keep it for a later `rewrite` without serializing again. */
  append(entry: unknown): string {
    const line = JSON.stringify(entry);
    this.#pending.push(`${line}\n`);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.#writePending().catch((error: unknown) => console.error(`Could not append to ${this.#file}:`, error));
    }, this.#delayMs);
    return line;
  }

  /** Replaces the whole file with `lines` (and drops pending appends, which `lines` must include). */
  rewrite(lines: Iterable<string>): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
    const text = [...lines].map((line) => `${line}\n`).join("");
    return this.#enqueue(async () => {
      await mkdir(dirname(this.#file), { recursive: true });
      await writeFileAtomic(this.#file, text);
    });
  }

  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#writePending();
  }

  #writePending(): Promise<void> {
    const lines = this.#pending;
    this.#pending = [];
    if (lines.length === 0) return this.#writing;
    return this.#enqueue(async () => {
      await mkdir(dirname(this.#file), { recursive: true });
      await appendFile(this.#file, lines.join(""));
    });
  }

  #enqueue(operation: () => Promise<void>): Promise<void> {
    const next = this.#writing.then(operation);
    this.#writing = next.catch(() => undefined);
    return next;
  }
}
