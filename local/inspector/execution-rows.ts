/**
 * The executions list: one row per kept execution, summarised from the log records Step Functions writes
 * for it (the same summary `tts-aws-iot executions` prints from a log group), filtered and paged.
 */
import { type ExecutionSummary, type LogRecord, summarise } from "../../operate/executions/execution-summary.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";
import type { ExecutionRecord } from "../aws/execution-store.ts";
import { EXECUTION_STATUSES, type ExecutionStatus } from "../aws/stored-execution.ts";
import { logRecord } from "../workflows/execution-log-records.ts";

export type ExecutionRow = ExecutionSummary;

export interface RowFilter {
  readonly workflow?: string;
  readonly status?: string;
  readonly thing?: string;
  /** Matched, case-insensitively, against name, event, thing, error and cause. */
  readonly text?: string;
}

export interface RowPage {
  readonly rows: readonly ExecutionRow[];
  /** Rows matching the filter, all pages. */
  readonly total: number;
  readonly offset: number;
}

export const PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export function rowOf(
  execution: ExecutionRecord,
  workflow: WorkflowName,
  namePrefixes: readonly string[],
): ExecutionRow {
  // The records as `parseLogRecord` reads them from a log group, without the round trip through text.
  const records: LogRecord[] = execution.events.map((event) => ({
    id: event.id,
    type: event.type,
    details: logRecord(execution, event, { includeExecutionData: true })["details"] as Record<string, unknown>,
    timestamp: event.timestamp.getTime(),
    executionArn: execution.executionArn,
  }));
  const [row] = summarise(workflow, records, namePrefixes);
  return row!;
}

export function isExecutionStatus(value: string): value is ExecutionStatus {
  return (EXECUTION_STATUSES as readonly string[]).includes(value);
}

/** Newest first as given; `offset`/`limit` count matching rows. */
export function pageOf(rows: readonly ExecutionRow[], filter: RowFilter, offset: number, limit: number): RowPage {
  const text = filter.text?.trim().toLowerCase();
  const matching = rows.filter(
    (row) =>
      (filter.workflow === undefined || row.workflow === filter.workflow) &&
      (filter.status === undefined || row.status === filter.status) &&
      (filter.thing === undefined || row.thing === filter.thing) &&
      (text === undefined ||
        text === "" ||
        [row.name, row.event, row.thing, row.error, row.cause].some((field) => field?.toLowerCase().includes(text))),
  );
  const start = Math.max(0, Math.min(offset, matching.length));
  return {
    rows: matching.slice(start, start + Math.min(Math.max(1, limit), MAX_PAGE_SIZE)),
    total: matching.length,
    offset: start,
  };
}

/**
 * Rows of the kept executions, each summarised once per change (a finished execution never changes):
 * the list is asked for on every filter change and live update, and the store keeps up to a million.
 */
export class ExecutionRows {
  readonly #cache = new Map<string, { version: string; row: ExecutionRow }>();
  readonly #workflowOf: (stateMachineArn: string) => WorkflowName | undefined;
  readonly #namePrefixes: readonly string[];

  constructor(workflowOf: (stateMachineArn: string) => WorkflowName | undefined, namePrefixes: readonly string[]) {
    this.#workflowOf = workflowOf;
    this.#namePrefixes = namePrefixes;
  }

  rows(executions: readonly ExecutionRecord[]): ExecutionRow[] {
    const rows: ExecutionRow[] = [];
    const kept = new Set<string>();
    for (const execution of executions) {
      const row = this.row(execution);
      if (row === undefined) continue;
      kept.add(execution.executionArn);
      rows.push(row);
    }
    if (this.#cache.size > kept.size) for (const arn of this.#cache.keys()) if (!kept.has(arn)) this.#cache.delete(arn);
    return rows;
  }

  /** One execution's row, cached as the list's are; undefined for another stack's execution. */
  row(execution: ExecutionRecord): ExecutionRow | undefined {
    const workflow = this.#workflowOf(execution.stateMachineArn);
    if (workflow === undefined) return undefined;
    // A finished execution's events are read (parsed from its journal line) only when it is new here.
    const version = execution.status === "RUNNING" ? `RUNNING/${Date.now()}` : execution.status;
    const cached = this.#cache.get(execution.executionArn);
    if (cached !== undefined && cached.version === version) return cached.row;
    const row = rowOf(execution, workflow, this.#namePrefixes);
    this.#cache.set(execution.executionArn, { version, row });
    return row;
  }
}
