/**
 * The runner's executions as Step Functions writes them to a state machine's CloudWatch log group:
 * one JSON record per history event, with the state machine's logging level and execution data
 * setting applied (AWS Step Functions Developer Guide, "Logging in CloudWatch Logs" and "Log levels").
 * Express history exists only there on AWS, so the same `aws logs …` commands read it locally.
 *
 * Records are rendered from the execution store when read; a changed level applies to old
 * executions too (on AWS it applies from the change on).
 */
import { createHash } from "node:crypto";
import type { WorkflowLogLevel } from "../../infra/config/environment-schema.ts";
import { stateMachineLogGroupName, stateMachineRoleName } from "../../workflows/catalogue.ts";
import type { ExecutionRecord, ExecutionStore } from "../aws/execution-store.ts";
import type { HistoryEvent } from "../aws/history-events.ts";
import { LOCAL_ACCOUNT_ID } from "../aws/local-account.ts";
import type { LogEvent, LogGroup, LogSource } from "../aws/logs/log-source.ts";

export interface ExecutionLogging {
  readonly level: WorkflowLogLevel;
  readonly includeExecutionData: boolean;
}

/** "Log levels": what `FATAL` logs, and what `ERROR` logs on top of it. */
const FATAL_EVENTS: ReadonlySet<string> = new Set(["ExecutionAborted", "ExecutionFailed", "ExecutionTimedOut"]);
const ERROR_EVENTS: ReadonlySet<string> = new Set([
  ...FATAL_EVENTS,
  "FailStateEntered",
  "LambdaFunctionFailed",
  "LambdaFunctionScheduleFailed",
  "LambdaFunctionStartFailed",
  "LambdaFunctionTimedOut",
  "MapIterationAborted",
  "MapIterationFailed",
  "MapStateAborted",
  "MapStateFailed",
  "ParallelStateAborted",
  "ParallelStateFailed",
  "TaskFailed",
  "TaskStartFailed",
  "TaskStateAborted",
  "TaskSubmitFailed",
  "TaskTimedOut",
  "WaitStateAborted",
]);

export function isLogged(eventType: string, level: WorkflowLogLevel): boolean {
  switch (level) {
    case "ALL":
      return true;
    case "ERROR":
      return ERROR_EVENTS.has(eventType);
    case "FATAL":
      return FATAL_EVENTS.has(eventType);
    case "OFF":
      return false;
  }
}

/** The execution data members `includeExecutionData: false` leaves out; names, errors and causes stay. */
const EXECUTION_DATA = new Set(["input", "inputDetails", "output", "outputDetails", "parameters"]);

/** A record's `details` as `includeExecutionData: false` logs them. */
export function withoutExecutionData(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([key]) => !EXECUTION_DATA.has(key)));
}

/**
 * A log record as Step Functions writes it: numbers as strings, `details` holding the event's
 * `…EventDetails` members (keys in alphabetical order, as AWS writes them), and `inputDetails` /
 * `outputDetails` saying whether the data was truncated.
 */
export function logRecord(
  execution: ExecutionRecord,
  event: HistoryEvent,
  options: { readonly includeExecutionData: boolean; readonly roleArn?: string },
): Record<string, unknown> {
  const details: Record<string, unknown> = { ...event.details };
  if (event.type === "ExecutionStarted" && options.roleArn !== undefined) details["roleArn"] ??= options.roleArn;
  if (typeof details["input"] === "string") details["inputDetails"] ??= { truncated: false };
  if (typeof details["output"] === "string") details["outputDetails"] ??= { truncated: false };
  const logged = options.includeExecutionData ? details : withoutExecutionData(details);
  return {
    id: String(event.id),
    type: event.type,
    details: Object.fromEntries(
      Object.keys(logged)
        .sort()
        .map((key) => [key, logged[key]]),
    ),
    previous_event_id: String(event.previousEventId),
    event_timestamp: String(event.timestamp.getTime()),
    execution_arn: execution.executionArn,
    redrive_count: "0",
  };
}

/**
 * Express workflows log to streams named `states/<state machine>/<yyyy-MM-dd-HH-mm>/<id>`, a new one
 * each minute (observed in AWS's own samples, e.g. `states/MyMachine/2024-04-24-11-50/00000000`).
 */
export function expressLogStreamName(stateMachineName: string, timestamp: number): string {
  const minute = new Date(timestamp).toISOString().slice(0, 16).replace(/[T:]/g, "-");
  return `states/${stateMachineName}/${minute}/00000000`;
}

export interface ExecutionLogSourceOptions {
  readonly store: ExecutionStore;
  /** The state machines whose log groups exist (the runner's). */
  readonly stateMachines: () => readonly { name: string; stateMachineArn: string; creationDate: Date }[];
  readonly logging: ExecutionLogging;
  readonly account?: string;
  readonly retentionInDays?: number;
}

/** The log groups of the runner's state machines, their events rendered from the execution store. */
export function executionLogSource(options: ExecutionLogSourceOptions): LogSource {
  const { store, logging } = options;
  const account = options.account ?? LOCAL_ACCOUNT_ID;
  const caches = new Map<string, RenderedExecutions>();
  const cacheOf = (name: string): RenderedExecutions => {
    const cache = caches.get(name) ?? new RenderedExecutions();
    caches.set(name, cache);
    return cache;
  };
  return {
    groups: () =>
      options.stateMachines().map(
        (machine): LogGroup => ({
          logGroupName: stateMachineLogGroupName(machine.name),
          creationTime: machine.creationDate.getTime(),
          ...(options.retentionInDays === undefined ? {} : { retentionInDays: options.retentionInDays }),
          events: () => {
            if (logging.level === "OFF") return [];
            const roleArn = `arn:aws:iam::${account}:role/${stateMachineRoleName(machine.name)}`;
            const executions = store.list({ stateMachineArn: machine.stateMachineArn });
            const cache = cacheOf(machine.name);
            const events = executions.flatMap((execution) =>
              cache.events(execution, () => renderExecution(execution, machine.name, roleArn, logging)),
            );
            cache.keepOnly(executions);
            return events.sort((a, b) => a.timestamp - b.timestamp);
          },
        }),
      ),
  };
}

function renderExecution(
  execution: ExecutionRecord,
  stateMachineName: string,
  roleArn: string,
  logging: ExecutionLogging,
): LogEvent[] {
  return execution.events
    .filter((event) => isLogged(event.type, logging.level))
    .map((event) => {
      const timestamp = event.timestamp.getTime();
      const record = logRecord(execution, event, { includeExecutionData: logging.includeExecutionData, roleArn });
      return {
        logStreamName: expressLogStreamName(stateMachineName, timestamp),
        timestamp,
        ingestionTime: timestamp,
        message: JSON.stringify(record),
        eventId: eventId(execution.executionArn, event.id, timestamp),
      };
    });
}

/** Digits, like CloudWatch's event ids: the timestamp, then a hash of execution and event. */
function eventId(executionArn: string, id: number, timestamp: number): string {
  const hash = createHash("sha256").update(`${executionArn}#${id}`).digest().readBigUInt64BE(0);
  return `${timestamp}${hash.toString().padStart(20, "0")}`;
}

/**
 * Each execution's records, rendered once per new event rather than on every read: a log group
 * holds up to `--max-executions` executions of about ten events each.
 */
class RenderedExecutions {
  readonly #rendered = new Map<string, { readonly version: string; readonly events: readonly LogEvent[] }>();

  events(execution: ExecutionRecord, render: () => LogEvent[]): readonly LogEvent[] {
    const version = `${execution.status}/${execution.events.length}`;
    const cached = this.#rendered.get(execution.executionArn);
    if (cached?.version === version) return cached.events;
    const events = render();
    this.#rendered.set(execution.executionArn, { version, events });
    return events;
  }

  /** Forgets executions the store no longer keeps. */
  keepOnly(executions: readonly ExecutionRecord[]): void {
    if (this.#rendered.size <= executions.length) return;
    const kept = new Set(executions.map((execution) => execution.executionArn));
    for (const arn of this.#rendered.keys()) if (!kept.has(arn)) this.#rendered.delete(arn);
  }
}
