/**
 * The accepted-message inbox: every workflow start a rule asked for, on disk before the publisher is
 * acknowledged, until its execution has finished. The runner takes entries from here when a
 * concurrency slot frees and marks them done when their execution ends; whatever is not done when
 * the process stops (kill -9 included) is taken again at the next start — at least once, as AWS.
 *
 * An entry can be taken as soon as it is recorded, while its line is still being flushed: only the
 * publisher's acknowledgement waits for the disk. Waiting for the flush before running added the disk's
 * sync time (1–2 ms typically, far more in its tail) to every message's latency. Nothing acknowledged
 * can be lost by it: a crash before the flush ends leaves the message unacknowledged, and a publisher
 * sends it again (the execution may then run twice — at least once); a flush that fails refuses the
 * publish the same way, and an execution already running for it finishes.
 *
 * Backpressure: once the backlog (accepted, not done) holds `maxMessages` entries or `maxBytes`,
 * `accept` waits, in arrival order, for room; the broker holds the publisher's acknowledgement
 * meanwhile, so a fast publisher is slowed to the workflows' pace instead of filling memory.
 *
 * On disk (`inbox.jsonl`): one line per accepted entry, `{"done":"<id>"}` per finished one; rewritten
 * with the open entries only once it holds about twice their bytes, so disk use stays bounded.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { WORKFLOW_NAMES } from "../../../workflows/catalogue.ts";
import type { WorkflowName } from "../../../workflows/workflow-types.ts";
import { validateState } from "../../aws/state-schema.ts";
import { DurableLines } from "./durable-lines.ts";

export const INBOX_FILE = "inbox.jsonl";
export const DEFAULT_MAX_BACKLOG = 10_000;
export const DEFAULT_MAX_BACKLOG_BYTES = 64 * 1024 * 1024;
/** Done marks and compacted-away entries tolerated on disk beyond twice the open entries' bytes. */
const COMPACTION_SLACK_BYTES = 4 * 1024 * 1024;

/** What a rule asks for: start `workflow` with `input`. */
export interface WorkflowStart {
  readonly rule: string;
  readonly topic: string;
  /** The publishing MQTT client; undefined for a data-plane Publish. */
  readonly clientId?: string | undefined;
  /** The message, base64: what the rule's error action carries if the start fails after all. */
  readonly payload: string;
  readonly workflow: WorkflowName;
  readonly namePrefix: string;
  readonly input: unknown;
}

export interface InboxEntry extends WorkflowStart {
  readonly id: string;
  /** Epoch milliseconds. */
  readonly acceptedAt: number;
}

export interface InboxLimits {
  readonly maxMessages?: number;
  readonly maxBytes?: number;
}

export class InboxClosedError extends Error {
  override readonly name = "InboxClosedError";
}

const StoredEntry = z.object({
  id: z.string().min(1),
  acceptedAt: z.number(),
  rule: z.string(),
  topic: z.string(),
  clientId: z.string().optional(),
  payload: z.base64(),
  workflow: z.enum(WORKFLOW_NAMES as [WorkflowName, ...WorkflowName[]]),
  namePrefix: z.string(),
  input: z.unknown(),
});
const DoneMark = z.object({ done: z.string().min(1) });

/** A line with `done` is a done mark; any other, an accepted entry (so a bad line is named by its field). */
function storedLineSchema(value: unknown): z.ZodType<z.output<typeof DoneMark> | z.output<typeof StoredEntry>> {
  return typeof value === "object" && value !== null && "done" in value ? DoneMark : StoredEntry;
}

interface Open {
  /** The entry's journal line, kept for compaction (and parsed again only when taken). */
  readonly line: string;
  readonly bytes: number;
  taken: boolean;
}

function openEntry(line: string): Open {
  return { line, bytes: Buffer.byteLength(line) + 1, taken: false };
}

interface WaitingAccept {
  readonly start: WorkflowStart;
  /** Wrapped: resolving with the promise itself would wait for it. */
  readonly resolve: (admitted: { readonly recorded: Promise<void> }) => void;
  readonly reject: (error: Error) => void;
}

export class Inbox {
  readonly #journal: DurableLines;
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  /** Accepted, not done; in acceptance order. */
  readonly #open = new Map<string, Open>();
  #bytes = 0;
  /** Ids recorded (on disk or on their way), not yet taken, oldest first (`#head` is the next). */
  #untaken: string[] = [];
  #head = 0;
  readonly #waiting: WaitingAccept[] = [];
  readonly #listeners = new Set<() => void>();
  #accepting = true;
  #closing: Promise<void> | undefined;

  private constructor(journal: DurableLines, limits: InboxLimits) {
    this.#journal = journal;
    this.#maxMessages = limits.maxMessages ?? DEFAULT_MAX_BACKLOG;
    this.#maxBytes = limits.maxBytes ?? DEFAULT_MAX_BACKLOG_BYTES;
  }

  /** Opens `<dataDir>/inbox.jsonl`: every entry a previous run left open is ready to be taken. */
  static async open(dataDir: string, limits: InboxLimits = {}): Promise<Inbox> {
    const file = join(dataDir, INBOX_FILE);
    const replayed = new Map<string, Open>();
    const lines = await DurableLines.open(file, (entry, lineNumber) => {
      const line = validateState(file, storedLineSchema(entry), entry, `line ${lineNumber}`);
      if ("done" in line) replayed.delete(line.done);
      else replayed.set(line.id, openEntry(JSON.stringify(line)));
    });
    const inbox = new Inbox(lines, limits);
    for (const [id, open] of replayed) {
      inbox.#open.set(id, open);
      inbox.#bytes += open.bytes;
    }
    inbox.#untaken = [...inbox.#open.keys()];
    return inbox;
  }

  /** Accepted entries not done yet (waiting or running). */
  get backlog(): { readonly messages: number; readonly bytes: number } {
    return { messages: this.#open.size, bytes: this.#bytes };
  }

  /** Accepts that wait for room. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Records `start`, once the backlog has room. Resolves once it is on disk when `durable`
   * (the publisher is acknowledged then), else once it is recorded in memory and being written.
   * Rejects with `InboxClosedError` once the runtime stops accepting: the publisher is not acknowledged.
   */
  async accept(start: WorkflowStart, options: { durable: boolean }): Promise<void> {
    if (!this.#accepting) throw new InboxClosedError("the runtime is shutting down");
    const { recorded } =
      this.#waiting.length === 0 && this.#hasRoom()
        ? { recorded: this.#record(start) }
        : await new Promise<{ recorded: Promise<void> }>((resolve, reject) =>
            this.#waiting.push({ start, resolve, reject }),
          );
    if (options.durable) await recorded;
    else recorded.catch(() => undefined);
  }

  /**
   * The oldest recorded entry no one has taken yet (its line may still be on its way to disk); the
   * taker must call `done` when it has run.
   */
  take(): InboxEntry | undefined {
    while (this.#head < this.#untaken.length) {
      const id = this.#untaken[this.#head++]!;
      const open = this.#open.get(id);
      if (open === undefined || open.taken) continue;
      open.taken = true;
      if (this.#head > 1024 && this.#head * 2 > this.#untaken.length) {
        this.#untaken = this.#untaken.slice(this.#head);
        this.#head = 0;
      }
      return JSON.parse(open.line) as InboxEntry;
    }
    return undefined;
  }

  /** The entry's execution has ended (whatever its status): it leaves the backlog. After `close`, a no-op. */
  done(id: string): void {
    if (this.#closing !== undefined) return;
    const open = this.#open.get(id);
    if (open === undefined) return;
    this.#open.delete(id);
    this.#bytes -= open.bytes;
    // Not awaited, and lazily written: losing a done mark in a crash runs the entry once more, which
    // at-least-once allows.
    this.#journal.appendLazily({ done: id }).catch((error: unknown) => this.#reportWriteError(error));
    this.#admitWaiting();
    this.#compactIfDue();
    this.#notify();
  }

  /** Called whenever entries become takeable or leave the backlog. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** From now on `accept` rejects, and so do the accepts waiting for room: their publishers are not acknowledged. */
  stopAccepting(): void {
    this.#accepting = false;
    for (const waiting of this.#waiting.splice(0)) waiting.reject(new InboxClosedError("the runtime is shutting down"));
  }

  /** Writes what is pending and closes the file; open entries stay for the next start. */
  close(): Promise<void> {
    this.stopAccepting();
    this.#closing ??= this.#journal.close();
    return this.#closing;
  }

  #hasRoom(): boolean {
    return this.#open.size < this.#maxMessages && this.#bytes < this.#maxBytes;
  }

  #record(start: WorkflowStart): Promise<void> {
    const entry: InboxEntry = { id: randomUUID(), acceptedAt: Date.now(), ...start };
    const open = openEntry(JSON.stringify(entry));
    this.#open.set(entry.id, open);
    this.#bytes += open.bytes;
    const recorded = this.#journal.appendLine(open.line);
    this.#untaken.push(entry.id);
    // Not from inside the accept (the broker's authorizePublish): the runner takes it right after.
    queueMicrotask(() => this.#notify());
    recorded.catch((error: unknown) => {
      // Never acknowledged (the publisher sends it again): not run, unless it is running already.
      this.#reportWriteError(error);
      this.#forgetUntaken(entry.id);
    });
    return recorded;
  }

  #forgetUntaken(id: string): void {
    const open = this.#open.get(id);
    if (open === undefined || open.taken) return;
    this.#open.delete(id);
    this.#bytes -= open.bytes;
    this.#admitWaiting();
    this.#notify();
  }

  #admitWaiting(): void {
    while (this.#waiting.length > 0 && this.#hasRoom()) {
      const waiting = this.#waiting.shift()!;
      waiting.resolve({ recorded: this.#record(waiting.start) });
    }
  }

  #compactIfDue(): void {
    if (this.#journal.size <= 2 * this.#bytes + COMPACTION_SLACK_BYTES) return;
    this.#journal
      .compact(() => [...this.#open.values()].map((open) => `${open.line}\n`).join(""))
      .catch((error: unknown) => this.#reportWriteError(error));
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  #reportWriteError(error: unknown): void {
    console.error(`Could not write ${this.#journal.file}:`, error);
  }
}
