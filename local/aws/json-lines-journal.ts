/**
 * An append-only file of JSON lines, for state that grows by whole records (executions). Appends are
 * coalesced like `CoalescedJsonWriter`'s writes, but cost only the new lines. The file is read line by
 * line (a journal may be larger than the longest string V8 can make), a torn last line is cut off before
 * anything is appended, and `rewrite()` compacts the file atomically in bounded chunks, so compacting
 * tens of megabytes never blocks the event loop for long.
 */
import { closeSync, existsSync, fdatasyncSync, openSync, readSync, truncateSync } from "node:fs";
import { appendFile, mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { CorruptStateFileError } from "./errors.ts";

/** No record this program writes comes near: a longer line is damage, refused before it becomes a string. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;
/** What one write of a compaction takes: one `writev` of the lines' own bytes, no copy. */
const WRITE_CHUNK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;
const NEWLINE_BYTES = Buffer.from("\n");

/**
 * A line as the journal holds it: its UTF-8 bytes. Bytes live outside V8's heap, so lines waiting to be
 * written (and the kept ones callers hold) are neither copied by each young-generation GC nor marked by
 * each full one: as strings, at 200 executions/s, they were most of what got promoted, and every
 * mark-compact they caused held the event loop for 10–20 ms.
 */
export type JournalLine = Buffer;

/** Its own memory, not a slice of Node's shared 8 KiB pool: a kept line would keep the whole slab alive. */
export function journalLine(text: string): JournalLine {
  const line = Buffer.allocUnsafeSlow(Buffer.byteLength(text, "utf8"));
  line.write(text, "utf8");
  return line;
}

/**
 * Calls `onLine` with each complete line of `file` (parsed, and as written), in order, and cuts off a
 * torn tail — the bytes after the last newline, left by a crash in the middle of an append — so that the
 * next append starts a line of its own instead of continuing the torn one. The cut is synced.
 * @param options.cutGarbageLastLine a last line that is not JSON is cut off too instead of refused: for
 *   a file appended with O_DSYNC, where a power loss can leave zeroed blocks after the last whole line.
 * @returns the size of the file in bytes after the cut (0 when it does not exist).
 */
export function readJsonLinesSync(
  file: string,
  onLine: (entry: unknown, text: string, lineNumber: number) => void,
  options: { cutGarbageLastLine?: boolean } = {},
): number {
  if (!existsSync(file)) return 0;
  const fd = openSync(file, "r");
  /** Bytes up to the end of the last complete line. */
  let complete = 0;
  try {
    const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let partial: Buffer[] = [];
    let partialBytes = 0;
    let lineNumber = 0;
    let position = 0;
    /** A line that is not JSON, refused unless nothing follows it (`cutGarbageLastLine`). */
    let garbage: CorruptStateFileError | undefined;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      if (garbage !== undefined) throw garbage;
      position += read;
      const view = chunk.subarray(0, read);
      let start = 0;
      for (let end = view.indexOf(NEWLINE); end !== -1; end = view.indexOf(NEWLINE, start)) {
        if (garbage !== undefined) throw garbage;
        lineNumber += 1;
        const piece = view.subarray(start, end);
        const bytes = partialBytes === 0 ? piece : Buffer.concat([...partial, piece]);
        partial = [];
        partialBytes = 0;
        if (bytes.length > MAX_LINE_BYTES) throw lineTooLong(file, lineNumber);
        start = end + 1;
        try {
          parseLine(file, bytes.toString("utf8"), lineNumber, onLine);
        } catch (error) {
          if (!(options.cutGarbageLastLine && error instanceof NotJsonError)) throw error;
          garbage = error;
          continue;
        }
        complete = position - read + start;
      }
      if (start < read) {
        if (garbage !== undefined) throw garbage;
        partialBytes += read - start;
        if (partialBytes > MAX_LINE_BYTES) throw lineTooLong(file, lineNumber + 1);
        partial.push(Buffer.from(view.subarray(start)));
      }
    }
    // A crash in the middle of an append: the record was never complete, so it was never acknowledged.
    if (position > complete) {
      truncateSync(file, complete);
      fdatasyncSync(fd);
    }
  } finally {
    closeSync(fd);
  }
  return complete;
}

function parseLine(
  file: string,
  text: string,
  lineNumber: number,
  onLine: (entry: unknown, text: string, lineNumber: number) => void,
): void {
  if (text.trim() === "") return;
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch (error) {
    throw new NotJsonError(file, `line ${lineNumber}: ${error instanceof Error ? error.message : error}`);
  }
  onLine(entry, text, lineNumber);
}

/** A line that does not parse (as opposed to one `onLine` refuses). */
class NotJsonError extends CorruptStateFileError {}

function lineTooLong(file: string, lineNumber: number): CorruptStateFileError {
  return new CorruptStateFileError(file, `line ${lineNumber} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MB`);
}

export class JsonLinesJournal {
  readonly #file: string;
  readonly #delayMs: number;
  #pending: JournalLine[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** One file operation at a time, in order. */
  #writing: Promise<void> = Promise.resolve();
  /** The file's size once every append and rewrite so far has landed. */
  #bytes: number;

  /** @param bytes the file's size now (what `readJsonLinesSync` returned). */
  constructor(options: { file: string; delayMs?: number; bytes?: number }) {
    this.#file = options.file;
    this.#delayMs = options.delayMs ?? 250;
    this.#bytes = options.bytes ?? 0;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Appends one line (JSON text without its newline) within `delayMs`. */
  append(line: JournalLine): void {
    this.#pending.push(line, NEWLINE_BYTES);
    this.#bytes += line.byteLength + 1;
    this.#scheduleWrite();
  }

  #scheduleWrite(): void {
    if (this.#pending.length === 0) return;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.#writePending().catch((error: unknown) => console.error(`Could not append to ${this.#file}:`, error));
    }, this.#delayMs);
  }

  /**
   * Replaces the whole file with `lines` (and drops pending appends, which `lines` must include): written
   * to a temp file chunk by chunk, synced, then renamed over the file, so a crash at any moment leaves
   * either the old file or the new one. Appends made meanwhile land after it.
   * @param bytes the lines' size in bytes, newlines included (the caller knows it).
   */
  rewrite(lines: readonly JournalLine[], bytes: number): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const dropped = this.#pending;
    const bytesBefore = this.#bytes;
    this.#pending = [];
    this.#bytes = bytes;
    return this.#enqueue(() => this.#replace(lines)).catch((error: unknown) => {
      // The old file stays: the appends the new one was to hold go back in line, before those made since.
      this.#pending = [...dropped, ...this.#pending];
      this.#bytes = bytesBefore + (this.#bytes - bytes);
      this.#scheduleWrite();
      throw error;
    });
  }

  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#writePending();
  }

  async #replace(lines: readonly JournalLine[]): Promise<void> {
    await mkdir(dirname(this.#file), { recursive: true });
    // `.tmp`: what the data dir lock removes at start if a crash leaves it behind.
    const temp = `${this.#file}.${process.pid}.tmp`;
    try {
      const handle = await open(temp, "w");
      try {
        let chunk: Buffer[] = [];
        let chunkBytes = 0;
        for (const line of lines) {
          chunk.push(line, NEWLINE_BYTES);
          chunkBytes += line.byteLength + 1;
          if (chunkBytes >= WRITE_CHUNK_BYTES) {
            await handle.writev(chunk);
            chunk = [];
            chunkBytes = 0;
          }
        }
        if (chunk.length > 0) await handle.writev(chunk);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.#file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  #writePending(): Promise<void> {
    const lines = this.#pending;
    this.#pending = [];
    if (lines.length === 0) return this.#writing;
    return this.#enqueue(async () => {
      await mkdir(dirname(this.#file), { recursive: true });
      await appendFile(this.#file, Buffer.concat(lines));
    });
  }

  #enqueue(operation: () => Promise<void>): Promise<void> {
    const next = this.#writing.then(operation);
    this.#writing = next.catch(() => undefined);
    return next;
  }
}
