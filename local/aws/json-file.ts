/**
 * State kept as one JSON file per store. Writes are atomic (write-file-atomic: temp file, fsync, rename, so a
 * crash leaves the old or the new file, never half of one) and coalesced: a burst of changes within `delayMs` costs
 * one write. `flush()` writes what is pending and waits for it — call it on shutdown.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { CorruptStateFileError } from "./errors.ts";

export function readJsonFileSync(file: string): unknown {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CorruptStateFileError(file, error instanceof Error ? error.message : String(error));
  }
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
