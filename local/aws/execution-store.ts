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
 * `…EventDetails` member as GetExecutionHistory returns it (see `history-events.ts`).
 * Only the newest `maxExecutions` are kept (finished ones are dropped first); `appendEvent` and
 * `finished` return false for an execution no longer kept, so a long run never fails for it.
 * Executions left RUNNING by a previous process cannot finish any more: loading marks them ABORTED.
 */
import { join } from "node:path";
import { AwsError } from "./errors.ts";
import type { HistoryEvent, HistoryEventType } from "./history-events.ts";
import { JsonLinesJournal, readJsonLinesSync } from "./json-lines-journal.ts";

export const DEFAULT_MAX_EXECUTIONS = 1000;

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly events: readonly HistoryEvent[];
}

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
  readonly writeDelayMs?: number;
}

const TERMINAL_EVENT: Readonly<Record<ExecutionOutcome["status"], HistoryEventType>> = {
  SUCCEEDED: "ExecutionSucceeded",
  FAILED: "ExecutionFailed",
  TIMED_OUT: "ExecutionTimedOut",
  ABORTED: "ExecutionAborted",
};

/** Records are mutable inside the store only. */
type MutableRecord = { -readonly [K in keyof ExecutionRecord]: ExecutionRecord[K] } & { events: HistoryEvent[] };

export class ExecutionStore {
  readonly #maxExecutions: number;
  /** In start order, oldest first. */
  readonly #executions: Map<string, MutableRecord>;
  /**
   * A journal of records: a start writes the record without history, a finish writes it whole.
   * Replaying it in order gives the latest state of each execution; it is compacted once it holds
   * about twice the records kept, so disk use stays bounded and the cost per execution constant.
   */
  readonly #journal: JsonLinesJournal;
  #journalLines = 0;
  /** Each kept execution's latest journal line: compaction writes these without serializing again. */
  readonly #lines = new Map<string, string>();

  constructor(options: ExecutionStoreOptions) {
    const file = join(options.dataDir, "executions.jsonl");
    this.#maxExecutions = options.maxExecutions ?? DEFAULT_MAX_EXECUTIONS;
    if (!Number.isInteger(this.#maxExecutions) || this.#maxExecutions < 1) {
      throw new RangeError(`maxExecutions must be a positive integer, got ${this.#maxExecutions}`);
    }
    const stored = readJsonLinesSync(file) as StoredExecution[];
    this.#executions = new Map();
    for (const execution of stored) {
      this.#executions.set(execution.executionArn, fromStored(execution));
      this.#lines.set(execution.executionArn, JSON.stringify(execution));
    }
    this.#journalLines = stored.length;
    this.#journal = new JsonLinesJournal({
      file,
      ...(options.writeDelayMs === undefined ? {} : { delayMs: options.writeDelayMs }),
    });
    this.#abortOrphans();
    this.#evict();
  }

  get size(): number {
    return this.#executions.size;
  }

  started(start: ExecutionStart): ExecutionRecord {
    if (this.#executions.has(start.executionArn)) {
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
    this.#executions.set(record.executionArn, record);
    this.#append(record, { type: "ExecutionStarted", details: { input: start.input }, timestamp: record.startDate });
    this.#journalRecord(record);
    this.#evict();
    return record;
  }

  /** @returns the new event's id, or `undefined` when the execution is not (or no longer) kept. */
  appendEvent(executionArn: string, event: NewHistoryEvent): number | undefined {
    const record = this.#executions.get(executionArn);
    return record === undefined ? undefined : this.#append(record, event).id;
  }

  /** @returns false when the execution is not (or no longer) kept. Finishing twice is a bug: it throws. */
  finished(executionArn: string, outcome: ExecutionOutcome, stopDate: Date = new Date()): boolean {
    const record = this.#executions.get(executionArn);
    if (record === undefined) return false;
    if (record.status !== "RUNNING") {
      throw new ExecutionAlreadyFinishedError(executionArn, record.status);
    }
    record.status = outcome.status;
    record.stopDate = stopDate;
    const details = outcome.status === "SUCCEEDED" ? { output: outcome.output } : errorDetails(outcome);
    Object.assign(record, details);
    this.#append(record, { type: TERMINAL_EVENT[outcome.status], details, timestamp: stopDate });
    this.#journalRecord(record);
    return true;
  }

  get(executionArn: string): ExecutionRecord | undefined {
    return this.#executions.get(executionArn);
  }

  /** Newest first. */
  list(filter: ExecutionFilter = {}): ExecutionRecord[] {
    return [...this.#executions.values()]
      .reverse()
      .filter(
        (execution) =>
          (filter.stateMachineArn === undefined || execution.stateMachineArn === filter.stateMachineArn) &&
          (filter.statusFilter === undefined || execution.status === filter.statusFilter),
      )
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  }

  flush(): Promise<void> {
    return this.#journal.flush();
  }

  #append(record: MutableRecord, event: NewHistoryEvent): HistoryEvent {
    const previous = record.events.at(-1);
    const appended: HistoryEvent = {
      id: (previous?.id ?? 0) + 1,
      previousEventId: previous?.id ?? 0,
      timestamp: event.timestamp ?? new Date(),
      type: event.type,
      ...(event.details === undefined ? {} : { details: event.details }),
    };
    record.events.push(appended);
    return appended;
  }

  #evict(): void {
    while (this.#executions.size > this.#maxExecutions) {
      const victim = this.#oldestFinished() ?? this.#executions.values().next().value;
      if (victim === undefined) return;
      this.#executions.delete(victim.executionArn);
      this.#lines.delete(victim.executionArn);
    }
  }

  #oldestFinished(): MutableRecord | undefined {
    for (const execution of this.#executions.values()) if (execution.status !== "RUNNING") return execution;
    return undefined;
  }

  #journalRecord(record: MutableRecord): void {
    this.#lines.set(record.executionArn, this.#journal.append(toStored(record)));
    this.#journalLines += 1;
    if (this.#journalLines > 2 * this.#maxExecutions + 100) {
      this.#journalLines = this.#lines.size;
      void this.#journal
        .rewrite(this.#lines.values())
        .catch((error: unknown) => console.error("Could not compact executions:", error));
    }
  }

  #abortOrphans(): void {
    for (const execution of this.#executions.values()) {
      if (execution.status !== "RUNNING") continue;
      this.finished(execution.executionArn, {
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

/** On disk, dates are epoch milliseconds. */
type StoredExecution = Omit<ExecutionRecord, "startDate" | "stopDate" | "events"> & {
  startDate: number;
  stopDate?: number;
  events: (Omit<HistoryEvent, "timestamp"> & { timestamp: number })[];
};

function toStored(record: ExecutionRecord): StoredExecution {
  const { stopDate, ...rest } = record;
  return {
    ...rest,
    startDate: record.startDate.getTime(),
    ...(stopDate === undefined ? {} : { stopDate: stopDate.getTime() }),
    events: record.events.map((event) => ({ ...event, timestamp: event.timestamp.getTime() })),
  };
}

function fromStored(stored: StoredExecution): MutableRecord {
  const { stopDate, ...rest } = stored;
  return {
    ...rest,
    startDate: new Date(stored.startDate),
    ...(stopDate === undefined ? {} : { stopDate: new Date(stopDate) }),
    events: stored.events.map((event) => ({ ...event, timestamp: new Date(event.timestamp) })),
  };
}
