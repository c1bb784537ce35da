/**
 * State kept as one JSON file per store. Writes are atomic (write-file-atomic: temp file, fsync, rename, so a
 * crash leaves the old or the new file, never half of one) and coalesced: a burst of changes within `delayMs` costs
 * one write. `flush()` writes what is pending and waits for it — call it on shutdown.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";
import type { z } from "zod";
import { CorruptStateFileError } from "./errors.ts";
import { validateState } from "./state-schema.ts";

/**
 * Read as one string, so well below V8's longest string (~512 MB): no store this runtime writes as one
 * JSON file comes near it (100,000 things are ~30 MB).
 */
export const MAX_JSON_FILE_BYTES = 256 * 1024 * 1024;

/** The file's content checked against `schema`, or undefined when there is no file. */
export function readJsonFileSync<T>(file: string, schema: z.ZodType<T>): T | undefined {
  if (!existsSync(file)) return undefined;
  const { size } = statSync(file);
  if (size > MAX_JSON_FILE_BYTES) {
    throw new CorruptStateFileError(
      file,
      `${size} bytes, more than the ${MAX_JSON_FILE_BYTES} this runtime reads as one JSON document`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CorruptStateFileError(file, error instanceof Error ? error.message : String(error));
  }
  return validateState(file, schema, value);
}

export interface CoalescedJsonWriterOptions {
  readonly file: string;
  /** Called at write time, so a burst of changes is captured by the last snapshot. */
  readonly snapshot: () => unknown;
  /** Default 250 ms: the most a crash can lose, and at most four writes a second under load. */
  readonly delayMs?: number;
}

export class CoalescedJsonWriter {
  readonly #file: string;
  readonly #snapshot: () => unknown;
  readonly #delayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;
  /** Writes run one at a time, each taking its snapshot when its turn comes: an older one never lands last. */
  #writing: Promise<void> = Promise.resolve();
  #writes = 0;

  constructor(options: CoalescedJsonWriterOptions) {
    this.#file = options.file;
    this.#snapshot = options.snapshot;
    this.#delayMs = options.delayMs ?? 250;
  }

  /** How many times the file was written; lets tests check that bursts coalesce. */
  get writeCount(): number {
    return this.#writes;
  }

  schedule(): void {
    this.#dirty = true;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      // A timer has no caller to report to; flush() retries and surfaces the error.
      void this.#writeIfDirty().catch((error: unknown) => {
        console.error(`Could not write ${this.#file}:`, error);
      });
    }, this.#delayMs);
  }

  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#writeIfDirty();
  }

  #writeIfDirty(): Promise<void> {
    const write = this.#writing.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      try {
        await this.#writeNow(JSON.stringify(this.#snapshot()));
      } catch (error) {
        this.#dirty = true;
        throw error;
      }
    });
    this.#writing = write.catch(() => undefined);
    return write;
  }

  async #writeNow(text: string): Promise<void> {
    await mkdir(dirname(this.#file), { recursive: true });
    await writeFileAtomic(this.#file, text);
    this.#writes += 1;
  }
}
