/**
 * `executions`: recent executions of both workflows, read from their CloudWatch log groups (Express
 * history exists only there); `executions show <name|arn>` prints one execution event by event.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { executionNamePrefixes, stateMachineLogGroupName, stateMachineName } from "../../workflows/catalogue.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";
import { logsClientFor } from "../clients.ts";
import { type Command, type CommandContext, EXIT, stringOption } from "../command.ts";
import { formatDuration, parseDuration } from "../durations.ts";
import { expectedWorkflows, type WorkflowPresence } from "../expected-workflows.ts";
import { table } from "../output.ts";
import { sleep } from "../sleep.ts";
import { UsageError } from "../usage-error.ts";
import { LogGroupMissingError, readExecutionRecords } from "./execution-logs.ts";
import {
  EXECUTION_STATUSES,
  type ExecutionStatus,
  type ExecutionSummary,
  executionName,
  type LogRecord,
  ruleEventMessage,
  summarise,
} from "./execution-summary.ts";

/** Bounds one listing's reads: about a thousand executions at the `ALL` level. */
const MAX_EVENTS = 20_000;
const FAILED: ReadonlySet<ExecutionStatus> = new Set(["FAILED", "TIMED_OUT", "ABORTED"]);

export const executionsCommand: Command = {
  name: "executions",
  summary: "recent executions of both workflows, from their CloudWatch log groups",
  usage: "executions [--status S] [--thing T] [--since 1h] [--limit N] [--follow]  |  executions show <name|arn>",
  help: `Lists executions (newest last): time, workflow, event, thing, status, duration, error.
The thing is known when the workflows log execution data (logLevel ALL, includeExecutionData).

Options:
  --status <S>      only ${EXECUTION_STATUSES.join(", ")}
  --thing <name>    only executions for this thing (or TTS device id)
  --since <age>     how far back: 30s, 15m, 1h (default), 2d
  --limit <n>       at most n executions, the newest (default 50)
  --follow          keep polling and print executions as they start and end (Ctrl-C stops)
  --interval <s>    seconds between two polls with --follow (default 2)
  --json            JSON: an array; with --follow one JSON object per line

executions show <name|arn> prints each history event with the state's input and output where logged.

Exit codes: 0 none failed; 1 a listed (or shown) execution failed, timed out or was aborted, or the
logs could not be read; 2 usage.`,
  options: {
    status: { type: "string" },
    thing: { type: "string" },
    since: { type: "string" },
    limit: { type: "string" },
    follow: { type: "boolean" },
    interval: { type: "string" },
  },
  async run(context) {
    const [sub, id, ...rest] = context.positionals;
    const logs = logsClientFor(context.target);
    try {
      if (sub === "show") {
        if (id === undefined || rest.length > 0)
          throw new UsageError("executions show takes one execution name or ARN");
        return await show(context, logs, id);
      }
      if (sub !== undefined) throw new UsageError(`executions: unknown argument ${sub} (did you mean "show"?)`);
      const filters = listFilters(context);
      return filters.follow ? await follow(context, logs, filters) : await list(context, logs, filters);
    } finally {
      logs.destroy();
    }
  },
};

interface ListFilters {
  readonly status?: ExecutionStatus;
  readonly thing?: string;
  readonly sinceMs: number;
  readonly limit: number;
  readonly follow: boolean;
  readonly intervalMs: number;
}

export function listFilters({ values }: Pick<CommandContext, "values">): ListFilters {
  const status = stringOption(values, "status")?.toUpperCase();
  if (status !== undefined && !(EXECUTION_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status ${status}: expected one of ${EXECUTION_STATUSES.join(", ")}`);
  }
  const limit = Number(stringOption(values, "limit") ?? "50");
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError("--limit: expected a whole number ≥ 1");
  const interval = Number(stringOption(values, "interval") ?? "2");
  if (!(interval >= 0.1 && interval <= 3600)) throw new UsageError("--interval: expected seconds, 0.1 to 3600");
  const thing = stringOption(values, "thing");
  return {
    ...(status === undefined ? {} : { status: status as ExecutionStatus }),
    ...(thing === undefined ? {} : { thing }),
    sinceMs: parseDuration(stringOption(values, "since") ?? "1h", "--since"),
    limit,
    follow: values["follow"] === true,
    intervalMs: interval * 1000,
  };
}

async function recentExecutions(
  context: CommandContext,
  logs: CloudWatchLogsClient,
  startTime: number,
  filterPattern?: string,
): Promise<ExecutionSummary[]> {
  const { stackName } = context.target;
  const prefixes = executionNamePrefixes(stackName);
  const perWorkflow = await Promise.all(
    expectedWorkflows(context.target).map(async ({ workflow, presence }) => {
      const group = stateMachineLogGroupName(stateMachineName(stackName, workflow));
      const read = await readOptional(presence, () =>
        readExecutionRecords(logs, group, {
          startTime,
          maxEvents: MAX_EVENTS,
          ...(filterPattern === undefined ? {} : { filterPattern }),
        }),
      );
      if (read.truncated)
        context.output.note(`note: read the first ${MAX_EVENTS} events of ${group} only; narrow --since`);
      return summarise(workflow, read.records, prefixes);
    }),
  );
  return perWorkflow.flat().sort((a, b) => a.startTime - b.startTime);
}

/** A workflow the deployment may not have has no log group: no executions, not an error. */
async function readOptional(
  presence: WorkflowPresence,
  read: () => ReturnType<typeof readExecutionRecords>,
): ReturnType<typeof readExecutionRecords> {
  try {
    return await read();
  } catch (error) {
    if (presence === "ifPresent" && error instanceof LogGroupMissingError) {
      return { records: [], truncated: false };
    }
    throw error;
  }
}

export function matches(execution: ExecutionSummary, filters: Pick<ListFilters, "status" | "thing">): boolean {
  if (filters.status !== undefined && execution.status !== filters.status) return false;
  if (filters.thing !== undefined && execution.thing !== filters.thing) return false;
  return true;
}

async function list(context: CommandContext, logs: CloudWatchLogsClient, filters: ListFilters): Promise<number> {
  const all = await recentExecutions(context, logs, Date.now() - filters.sinceMs);
  const shown = all.filter((execution) => matches(execution, filters)).slice(-filters.limit);
  const { output } = context;
  if (output.json) output.printJson(shown.map(toJson));
  else if (shown.length === 0)
    output.note(`no matching executions in the last ${stringOption(context.values, "since") ?? "1h"}`);
  else for (const line of executionTable(shown)) output.line(line);
  return shown.some((execution) => FAILED.has(execution.status)) ? EXIT.failures : EXIT.ok;
}

/**
 * Polls the log groups and prints each execution when first seen and again when it ends. Log events
 * can arrive late (CloudWatch Logs delivers within seconds), so every poll rereads a minute back.
 */
async function follow(context: CommandContext, logs: CloudWatchLogsClient, filters: ListFilters): Promise<number> {
  const { output, signal } = context;
  const printed = new Map<string, ExecutionStatus>();
  let from = Date.now() - filters.sinceMs;
  let headerDone = false;
  let failed = false;
  while (!signal.aborted) {
    const polledAt = Date.now();
    const fresh = (await recentExecutions(context, logs, from)).filter(
      (execution) => matches(execution, filters) && printed.get(execution.executionArn) !== execution.status,
    );
    for (const execution of fresh) {
      printed.set(execution.executionArn, execution.status);
      failed ||= FAILED.has(execution.status);
      if (output.json) output.line(JSON.stringify(toJson(execution)));
    }
    if (!output.json && fresh.length > 0) {
      const lines = executionTable(fresh);
      for (const line of headerDone ? lines.slice(1) : lines) output.line(line);
      headerDone = true;
    }
    from = Math.max(from, polledAt - 60_000);
    await sleep(filters.intervalMs, signal);
  }
  return failed ? EXIT.failures : EXIT.ok;
}

const HEADER = ["TIME", "WORKFLOW", "EVENT", "THING", "STATUS", "DURATION", "ERROR"];

export function executionTable(executions: readonly ExecutionSummary[]): string[] {
  return table(
    HEADER,
    executions.map((execution) => [
      timeOf(execution.startTime),
      execution.workflow,
      execution.event,
      execution.thing ?? "-",
      execution.status,
      execution.durationMs === undefined ? "-" : formatDuration(execution.durationMs),
      errorOf(execution),
    ]),
  );
}

function errorOf(execution: ExecutionSummary): string {
  if (execution.error === undefined) return "";
  const cause = execution.cause === undefined ? "" : `: ${oneLine(execution.cause, 100)}`;
  return `${execution.error}${cause}`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function timeOf(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 23);
}

function toJson(execution: ExecutionSummary): Record<string, unknown> {
  return { ...execution, startTime: new Date(execution.startTime).toISOString() };
}

/** A full ARN is matched exactly; a name by the ARN's name segment. */
function filterFor(id: string): string {
  return id.startsWith("arn:") ? `{ $.execution_arn = "${id}" }` : `{ $.execution_arn = "*:${id}:*" }`;
}

async function show(context: CommandContext, logs: CloudWatchLogsClient, id: string): Promise<number> {
  if (/["\s{}]/.test(id)) throw new UsageError(`executions show ${id}: not an execution name or ARN`);
  const { stackName } = context.target;
  const found: { workflow: WorkflowName; records: LogRecord[] }[] = [];
  for (const { workflow, presence } of expectedWorkflows(context.target)) {
    const group = stateMachineLogGroupName(stateMachineName(stackName, workflow));
    const { records } = await readOptional(presence, () =>
      readExecutionRecords(logs, group, { filterPattern: filterFor(id), maxEvents: MAX_EVENTS }),
    );
    const own = records.filter((record) => record.executionArn === id || executionName(record.executionArn) === id);
    if (own.length > 0) found.push({ workflow, records: own });
  }
  const [match] = found;
  if (match === undefined) {
    context.output.note(`no logged execution ${id} in stack ${stackName}'s log groups`);
    return EXIT.failures;
  }
  const records = match.records.sort((a, b) => a.timestamp - b.timestamp || a.id - b.id);
  const [summary] = summarise(match.workflow, records, executionNamePrefixes(stackName));
  const { output } = context;
  if (output.json) output.printJson({ execution: toJson(summary!), events: records });
  else for (const line of historyLines(summary!, records)) output.line(line);
  return FAILED.has(summary!.status) ? EXIT.failures : EXIT.ok;
}

export function historyLines(summary: ExecutionSummary, records: readonly LogRecord[]): string[] {
  const lines = [
    `execution  ${summary.executionArn}`,
    `workflow   ${summary.workflow} (${summary.event})`,
    `status     ${summary.status}${summary.durationMs === undefined ? "" : ` in ${formatDuration(summary.durationMs)}`}`,
    ...(summary.thing === undefined ? [] : [`thing      ${summary.thing}`]),
    ...(summary.error === undefined ? [] : [`error      ${errorOf(summary)}`]),
    "",
  ];
  const start = records[0]?.timestamp ?? 0;
  for (const record of records) {
    const name = typeof record.details["name"] === "string" ? `  ${record.details["name"]}` : "";
    lines.push(
      `${String(record.id).padStart(3)}  +${formatDuration(record.timestamp - start).padEnd(7)} ${record.type}${name}`,
    );
    for (const key of ["input", "output", "error", "cause"]) {
      const value = record.details[key];
      if (typeof value === "string") lines.push(`       ${key}: ${oneLine(value, 2000)}`);
    }
    const message = record.type === "ExecutionStarted" ? ruleEventMessage(record.details["input"]) : undefined;
    if (message !== undefined) lines.push(`       message (payload decoded): ${oneLine(message, 2000)}`);
  }
  return lines;
}
