/**
 * Step Functions executions, kept on disk and bounded, read by DescribeExecution, ListExecutions and
 * GetExecutionHistory. The endpoint does not run workflows: the runtime that does reports each
 * execution's life here, through one shared store (pass it to `startAwsEndpoint` as `executionStore`):
 *
 *   store.started({ executionArn, stateMachineArn, name, input })       // RUNNING + ExecutionStarted
 *   store.appendEvent(executionArn, { type: "TaskStateEntered", details: { name: "EnsureThing", input } })
 *   store.appendEvent(executionArn, { type: "TaskStateExited", details: { name: "EnsureThing", output } })
 *   store.finished(executionArn, { status: "SUCCEEDED", output })       // + ExecutionSucceeded
 *   store.finished(executionArn, { status: "FAILED", error, cause })    // + ExecutionFailed
 *
 * Event ids count from 1 and `previousEventId` is the event before; `details` is the event's
 * `…EventDetails` member as GetExecutionHistory returns it (see `history-events.ts`), its input and
 * output cut to Step Functions' logging limit (`history-data.ts`).
 *
 * Bounded: only the newest `maxExecutions` are kept (finished ones are dropped first), and finished
 * ones are dropped, oldest first, while all kept take more than `maxBytes` in the journal. `appendEvent`
 * and `finished` return false for an execution no longer kept, so a long run never fails for it.
 * Executions left RUNNING by a previous process cannot finish any more: loading marks them ABORTED.
 */
import { join } from "node:path";
import { AwsError } from "./errors.ts";
import { withHistoryDataLimits } from "./history-data.ts";
import type { HistoryEvent, HistoryEventType } from "./history-events.ts";
import { type JournalLine, JsonLinesJournal, journalLine, readJsonLinesSync } from "./json-lines-journal.ts";
import { validateState } from "./state-schema.ts";
import {
  type ExecutionLine,
  type ExecutionRecord,
  type ExecutionStatus,
  executionLineSchema,
  fromLine,
  isCompactLine,
  type MutableRecord,
  sharedIn,
  toLine,
  withDataFields,
} from "./stored-execution.ts";

export type { ExecutionRecord, ExecutionStatus } from "./stored-execution.ts";

export const DEFAULT_MAX_EXECUTIONS = 1000;
/** 32 MiB: a thousand ordinary uplinks take ~5 MB; with large ones the data dir stays well under 100 MB. */
export const DEFAULT_MAX_EXECUTION_BYTES = 32 * 1024 * 1024;
/** Compaction starts once the journal holds this much more than the kept executions' lines. */
const COMPACTION_SLACK_BYTES = 1024 * 1024;
/** The first wait after a failed compaction, doubled at each failure in a row up to the maximum. */
const COMPACTION_RETRY_MS = 30_000;
const COMPACTION_RETRY_MAX_MS = 5 * 60_000;

export interface ExecutionStart {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  /** JSON text, as StartExecution takes it. */
  readonly input: string;
  readonly startDate?: Date;
}

export interface NewHistoryEvent {
  readonly type: HistoryEventType;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly timestamp?: Date;
}

export type ExecutionOutcome =
  | { readonly status: "SUCCEEDED"; readonly output: string }
  | { readonly status: "FAILED" | "TIMED_OUT" | "ABORTED"; readonly error?: string; readonly cause?: string };

export interface ExecutionFilter {
  readonly stateMachineArn?: string;
  readonly statusFilter?: ExecutionStatus;
}

export interface ExecutionStoreOptions {
  readonly dataDir: string;
  readonly maxExecutions?: number;
  /** The most the kept executions' journal lines may take together (finished ones are dropped first). */
  readonly maxBytes?: number;
  readonly writeDelayMs?: number;
}

const TERMINAL_EVENT: Readonly<Record<ExecutionOutcome["status"], HistoryEventType>> = {
  SUCCEEDED: "ExecutionSucceeded",
  FAILED: "ExecutionFailed",
  TIMED_OUT: "ExecutionTimedOut",
  ABORTED: "ExecutionAborted",
};

/**
 * A kept execution: what lists and filters need, and its latest journal line. Only a running execution
 * keeps its record in memory (events are appended to it); a finished one is read back from its line when
 * asked for, so memory holds each execution's data once, in its compact line.
 */
interface Entry {
  summary: ExecutionSummary;
  /** Written by a start (the record without history) and a finish (the whole record). */
  line: JournalLine;
  bytes: number;
  running?: { readonly record: MutableRecord; readonly texts: string[] };
}

export class ExecutionStore {
  readonly #file: string;
  readonly #maxExecutions: number;
  readonly #maxBytes: number;
  /** In start order, oldest first. */
  readonly #entries = new Map<string, Entry>();
  /** What the kept executions' lines take: the journal size once compacted. */
  #liveBytes = 0;
  /**
   * Replaying the journal in order gives the latest state of each execution. It is compacted once the
   * lines of executions finished or dropped since take as much as the kept ones (plus some slack), so
   * disk use stays within about twice the kept data and each line is rewritten about once.
   */
  readonly #journal: JsonLinesJournal;
  #compaction: Promise<void> | undefined;
  /**
   * After a failed compaction (disk full, a file in the way), none before this time: appends go on to
   * the old file meanwhile, so nothing is lost, and a lasting cause is not retried on every append.
   */
  #compactionRetryAt = 0;
  #compactionFailures = 0;

  constructor(options: ExecutionStoreOptions) {
    this.#file = join(options.dataDir, "executions.jsonl");
    this.#maxExecutions = positiveInteger("maxExecutions", options.maxExecutions ?? DEFAULT_MAX_EXECUTIONS);
    this.#maxBytes = positiveInteger("maxBytes", options.maxBytes ?? DEFAULT_MAX_EXECUTION_BYTES);
    const loaded = this.#load();
    this.#journal = new JsonLinesJournal({
      file: this.#file,
      bytes: loaded.bytes,
      ...(options.writeDelayMs === undefined ? {} : { delayMs: options.writeDelayMs }),
    });
    this.#abortOrphans();
    this.#evict();
    // Lines of the first format become compact ones at a compaction: make it now.
    this.#compactIfDue(loaded.firstFormat);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** What the kept executions take in the journal, in bytes. */
  get bytes(): number {
    return this.#liveBytes;
  }

  started(start: ExecutionStart): ExecutionRecord {
    if (this.#entries.has(start.executionArn)) {
      throw new AwsError("ExecutionAlreadyExists", `Execution Already Exists: '${start.executionArn}'`);
    }
    const record: MutableRecord = {
      executionArn: start.executionArn,
      stateMachineArn: start.stateMachineArn,
      name: start.name,
      status: "RUNNING",
      startDate: start.startDate ?? new Date(),
      input: start.input,
      events: [],
    };
    const running = { record, texts: [start.input] };
    const entry: Entry = { summary: record, line: EMPTY_LINE, bytes: 0, running };
    this.#entries.set(record.executionArn, entry);
    this.#append(running, { type: "ExecutionStarted", details: { input: start.input }, timestamp: record.startDate });
    this.#journalLine(entry, record);
    this.#evict(entry);
    return record;
  }

  /** @returns the new event's id, or `undefined` when the execution is not (or no longer) kept, or finished. */
  appendEvent(executionArn: string, event: NewHistoryEvent): number | undefined {
    const running = this.#entries.get(executionArn)?.running;
    return running === undefined ? undefined : this.#append(running, event).id;
  }

  /** @returns false when the execution is not (or no longer) kept. Finishing twice is a bug: it throws. */
  finished(executionArn: string, outcome: ExecutionOutcome, stopDate: Date = new Date()): boolean {
    const entry = this.#entries.get(executionArn);
    if (entry === undefined) return false;
    const { running } = entry;
    if (running === undefined) throw new ExecutionAlreadyFinishedError(executionArn, entry.summary.status);
    const { record } = running;
    record.status = outcome.status;
    record.stopDate = stopDate;
    const details = outcome.status === "SUCCEEDED" ? { output: outcome.output } : errorDetails(outcome);
    Object.assign(record, details);
    this.#append(running, { type: TERMINAL_EVENT[outcome.status], details, timestamp: stopDate });
    this.#journalLine(entry, record);
    delete entry.running;
    entry.summary = summaryOf(record);
    this.#evict(entry);
    return true;
  }

  /** A running execution's live record, or a finished one's read back from its journal line. */
  get(executionArn: string): ExecutionRecord | undefined {
    const entry = this.#entries.get(executionArn);
    return entry === undefined ? undefined : recordOf(entry);
  }

  /** Newest first. */
  list(filter: ExecutionFilter = {}): ExecutionRecord[] {
    return [...this.#entries.values()]
      .map(recordOf)
      .reverse()
      .filter(
        (execution) =>
          (filter.stateMachineArn === undefined || execution.stateMachineArn === filter.stateMachineArn) &&
          (filter.statusFilter === undefined || execution.status === filter.statusFilter),
      )
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  }

  /** Writes what is pending, after any compaction under way. */
  async flush(): Promise<void> {
    while (this.#compaction !== undefined) await this.#compaction;
    await this.#journal.flush();
  }

  /** Reads the journal line by line, keeping within the bounds as it goes. */
  #load(): { bytes: number; firstFormat: boolean } {
    /** Dropped while loading: a later line of theirs (their finish) must not bring them back. */
    const dropped = new Set<string>();
    let firstFormat = false;
    const bytes = readJsonLinesSync(this.#file, (value, text, lineNumber) => {
      const line = validateState(this.#file, executionLineSchema(value), value, `line ${lineNumber}`);
      if (dropped.has(line.executionArn)) return;
      const compact = isCompactLine(line);
      firstFormat ||= !compact;
      const entry = this.#entries.get(line.executionArn);
      if (entry !== undefined) this.#liveBytes -= entry.bytes;
      const stored = journalLine(compact ? text : toLine(fromLine(line)));
      const { startDate, stopDate, ...rest } = line;
      const summary = summaryOf({
        ...rest,
        startDate: new Date(startDate),
        ...(stopDate === undefined ? {} : { stopDate: new Date(stopDate) }),
      });
      const kept: Entry = { summary, line: stored, bytes: stored.byteLength + 1 };
      this.#entries.set(line.executionArn, kept);
      this.#liveBytes += kept.bytes;
      for (const victim of this.#evict(kept)) dropped.add(victim);
    });
    return { bytes, firstFormat };
  }

  #append(running: NonNullable<Entry["running"]>, event: NewHistoryEvent): HistoryEvent {
    const { events } = running.record;
    const previous = events.at(-1);
    const appended: HistoryEvent = {
      id: (previous?.id ?? 0) + 1,
      previousEventId: previous?.id ?? 0,
      timestamp: event.timestamp ?? new Date(),
      type: event.type,
      ...(event.details === undefined
        ? {}
        : { details: withDataFields(withHistoryDataLimits(event.details), sharedIn(running.texts)) }),
    };
    events.push(appended);
    return appended;
  }

  /**
   * Drops executions beyond the bounds: over the count, finished ones first, then the oldest; over the
   * bytes, finished ones only (a running one still has to record its end), never `keep`.
   * @returns the dropped executions' ARNs.
   */
  #evict(keep?: Entry): string[] {
    const dropped: string[] = [];
    const drop = (victim: Entry) => {
      this.#entries.delete(victim.summary.executionArn);
      this.#liveBytes -= victim.bytes;
      dropped.push(victim.summary.executionArn);
    };
    while (this.#entries.size > this.#maxExecutions) {
      const victim = this.#oldestFinished(keep) ?? this.#entries.values().next().value;
      if (victim === undefined) break;
      drop(victim);
    }
    while (this.#liveBytes > this.#maxBytes) {
      const victim = this.#oldestFinished(keep);
      if (victim === undefined) break;
      drop(victim);
    }
    return dropped;
  }

  #oldestFinished(keep: Entry | undefined): Entry | undefined {
    for (const entry of this.#entries.values()) {
      if (entry.summary.status !== "RUNNING" && entry !== keep) return entry;
    }
    return undefined;
  }

  #journalLine(entry: Entry, record: ExecutionRecord): void {
    const line = journalLine(toLine(record));
    const bytes = line.byteLength + 1;
    this.#liveBytes += bytes - entry.bytes;
    entry.line = line;
    entry.bytes = bytes;
    this.#journal.append(line);
    this.#compactIfDue();
  }

  #compactIfDue(now = false): void {
    if (this.#compaction !== undefined || Date.now() < this.#compactionRetryAt) return;
    if (!now && this.#journal.bytes <= 2 * this.#liveBytes + COMPACTION_SLACK_BYTES) return;
    const lines = [...this.#entries.values()].map((entry) => entry.line);
    this.#compaction = this.#journal.rewrite(lines, this.#liveBytes).then(
      () => {
        this.#compactionFailures = 0;
        this.#compaction = undefined;
        // What was recorded meanwhile may be due already.
        this.#compactIfDue();
      },
      (error: unknown) => {
        this.#compactionFailures += 1;
        const waitMs = Math.min(COMPACTION_RETRY_MAX_MS, COMPACTION_RETRY_MS * 2 ** (this.#compactionFailures - 1));
        this.#compactionRetryAt = Date.now() + waitMs;
        this.#compaction = undefined;
        console.error(
          `Could not compact ${this.#file} (${error instanceof Error ? error.message : String(error)}); ` +
            `executions are still recorded in it, next try in ${waitMs / 1000} s`,
        );
      },
    );
  }

  #abortOrphans(): void {
    for (const entry of this.#entries.values()) {
      if (entry.summary.status !== "RUNNING") continue;
      entry.running = { record: fromLine(parseLine(entry.line)), texts: [] };
      this.finished(entry.summary.executionArn, {
        status: "ABORTED",
        error: "States.Runtime",
        cause: "The local runtime stopped before the execution finished",
      });
    }
  }
}

export class ExecutionAlreadyFinishedError extends Error {
  override readonly name = "ExecutionAlreadyFinishedError";

  constructor(executionArn: string, status: ExecutionStatus) {
    super(`Execution ${executionArn} already finished with status ${status}`);
  }
}

function errorDetails(outcome: { error?: string; cause?: string }): { error?: string; cause?: string } {
  return {
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
    ...(outcome.cause === undefined ? {} : { cause: outcome.cause }),
  };
}

/** What lists and filters read: everything but the data. */
type ExecutionSummary = Omit<ExecutionRecord, "input" | "output" | "events">;

function summaryOf(record: ExecutionSummary): ExecutionSummary {
  const { executionArn, stateMachineArn, name, status, startDate, stopDate, error, cause } = record;
  return {
    executionArn,
    stateMachineArn,
    name,
    status,
    startDate,
    ...(stopDate === undefined ? {} : { stopDate }),
    ...(error === undefined ? {} : { error }),
    ...(cause === undefined ? {} : { cause }),
  };
}

const EMPTY_LINE: JournalLine = Buffer.alloc(0);

const parseLine = (line: JournalLine): ExecutionLine => JSON.parse(line.toString("utf8")) as ExecutionLine;

/**
 * The running record, or a finished execution as a record whose input, output and events are read from
 * its line on first access: listing thousands of executions parses none of them.
 */
function recordOf(entry: Entry): ExecutionRecord {
  if (entry.running !== undefined) return entry.running.record;
  const { line, summary } = entry;
  let full: ExecutionRecord | undefined;
  const read = () => {
    full ??= fromLine(parseLine(line));
    return full;
  };
  const record = {
    ...summary,
    get input() {
      return read().input;
    },
    get events() {
      return read().events;
    },
  };
  // Only a succeeded execution has an output (the member is absent otherwise, as in a DescribeExecution answer).
  if (summary.status === "SUCCEEDED") {
    Object.defineProperty(record, "output", { get: () => read().output, enumerable: true });
  }
  return record;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
