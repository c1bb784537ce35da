/**
 * An append-only file of JSON lines whose `append` resolves only once the line is on disk: the file
 * is opened with O_DSYNC, so each write returns once its data is on disk (an fdatasync in the same
 * system call, one trip to libuv's thread pool instead of two: under a busy event loop each trip costs).
 * Appends that arrive while a write is under way wait for the next one, so one disk flush covers
 * every line of a batch (group commit): the cost per line stays small under load. Lines whose loss
 * in a crash is harmless (`appendLazily`) start no write of their own: they ride with the next one, or
 * go after `lazyDelayMs`; at low rates that halves the syncs, and an append never waits behind them.
 *
 * Hand-written: write-file-atomic replaces whole files (used here for compaction) and no maintained
 * library does group-committed appends. A crash can tear the last line; `open` cuts it off before
 * anything is appended (the executions journal's reader), so the next append never writes onto torn bytes.
 */
import { constants } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { readJsonLinesSync } from "../../aws/json-lines-journal.ts";

type FileHandle = Awaited<ReturnType<typeof open>>;

const APPEND_DURABLY = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC;

/** How long a lazy line waits for a write to ride with: short, so that a crash reruns little. */
const DEFAULT_LAZY_DELAY_MS = 50;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class DurableLines {
  readonly file: string;
  #handle: FileHandle;
  /** Bytes known to be whole lines on disk: a failed write is cut back to this. */
  #size: number;
  #batch: string[] = [];
  #waiters: Waiter[] = [];
  #compaction: { readonly snapshot: () => string; readonly waiter: Waiter; readonly done: Promise<void> } | undefined;
  #writing: Promise<void> | undefined;
  #broken: Error | undefined;
  readonly #lazyDelayMs: number;
  #lazyTimer: NodeJS.Timeout | undefined;
  /** The batch holds a line someone waits for (or lazy lines that waited long enough). */
  #urgent = false;

  private constructor(file: string, handle: FileHandle, size: number, lazyDelayMs: number) {
    this.file = file;
    this.#handle = handle;
    this.#size = size;
    this.#lazyDelayMs = lazyDelayMs;
  }

  /** Opens (or creates) `file`, cuts a torn last line, and calls `onEntry` with each entry in order. */
  static async open(
    file: string,
    onEntry: (entry: unknown, lineNumber: number) => void,
    options: { lazyDelayMs?: number } = {},
  ): Promise<DurableLines> {
    await mkdir(dirname(file), { recursive: true });
    const size = readJsonLinesSync(file, (entry, _text, lineNumber) => onEntry(entry, lineNumber), {
      cutGarbageLastLine: true,
    });
    return new DurableLines(file, await open(file, APPEND_DURABLY), size, options.lazyDelayMs ?? DEFAULT_LAZY_DELAY_MS);
  }

  /** Bytes on disk, as of the last write. */
  get size(): number {
    return this.#size;
  }

  /** Resolves once `entry` is on disk. */
  append(entry: unknown): Promise<void> {
    return this.appendLine(JSON.stringify(entry));
  }

  /** `line` must be one JSON value without a newline (as `JSON.stringify` gives). */
  appendLine(line: string): Promise<void> {
    return this.#push(line, true);
  }

  /**
   * Like `append`, but starts no write of its own: for a line whose loss in a crash is harmless. It is
   * written with the next `append` or compaction, or after `lazyDelayMs`, whichever comes first.
   */
  appendLazily(entry: unknown): Promise<void> {
    return this.#push(JSON.stringify(entry), false);
  }

  #push(line: string, urgent: boolean): Promise<void> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    this.#batch.push(`${line}\n`);
    const written = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (urgent) {
      this.#urgent = true;
      this.#kick();
    } else if (this.#writing === undefined) {
      this.#armLazyTimer();
    }
    return written;
  }

  /**
   * Replaces the file, at its turn among the writes, with `snapshot()`: lines whose replay gives
   * the same state as replaying the file and every line appended so far (those still waiting are
   * dropped, and their appends resolve with the compaction). Atomic: a crash leaves one or the other.
   */
  compact(snapshot: () => string): Promise<void> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    if (this.#compaction !== undefined) return this.#compaction.done;
    let waiter: Waiter | undefined;
    const done = new Promise<void>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    this.#compaction = { snapshot, waiter: waiter!, done };
    this.#kick();
    return done;
  }

  /** Writes what is pending, then closes the file. */
  async close(): Promise<void> {
    if (this.#batch.length > 0) {
      this.#urgent = true;
      this.#kick();
    }
    await this.#writing;
    await this.#handle.close();
  }

  #kick(): void {
    clearTimeout(this.#lazyTimer);
    this.#lazyTimer = undefined;
    this.#writing ??= this.#writeAll().finally(() => {
      this.#writing = undefined;
      // Lazy lines that came during the last write.
      if (this.#batch.length > 0) this.#armLazyTimer();
    });
  }

  #armLazyTimer(): void {
    this.#lazyTimer ??= setTimeout(() => {
      this.#lazyTimer = undefined;
      this.#urgent = true;
      this.#kick();
    }, this.#lazyDelayMs);
  }

  async #writeAll(): Promise<void> {
    // Start once the current task is done: every append it makes joins this batch.
    await Promise.resolve();
    while (this.#urgent || this.#compaction !== undefined) {
      this.#urgent = false;
      const compaction = this.#compaction;
      const batch = this.#batch;
      const waiters = compaction ? [...this.#waiters, compaction.waiter] : this.#waiters;
      this.#compaction = undefined;
      this.#batch = [];
      this.#waiters = [];
      try {
        if (compaction !== undefined) await this.#rewrite(compaction.snapshot());
        else await this.#appendBatch(batch.join(""));
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
  }

  async #appendBatch(text: string): Promise<void> {
    try {
      await this.#handle.appendFile(text);
      this.#size += Buffer.byteLength(text);
    } catch (error) {
      // Cut a partial write off, so that later lines do not follow torn bytes; if even that fails,
      // every later append fails too (the publishes are refused, never acknowledged).
      await this.#handle.truncate(this.#size).catch((truncateError: unknown) => {
        this.#broken = new Error(`${this.file} cannot be written any more: ${String(truncateError)}`);
      });
      throw error;
    }
  }

  async #rewrite(text: string): Promise<void> {
    await writeFileAtomic(this.file, text, { fsync: true });
    // The rename is durable only once the directory is.
    const directory = await open(dirname(this.file), "r");
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    const previous = this.#handle;
    this.#handle = await open(this.file, APPEND_DURABLY);
    this.#size = Buffer.byteLength(text);
    await previous.close();
  }
}
