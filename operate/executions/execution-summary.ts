/**
 * Express executions rebuilt from the records Step Functions writes to a state machine's log group
 * (AWS Step Functions Developer Guide, "Logging in CloudWatch Logs"): one JSON record per history event
 * with `type`, `details`, `event_timestamp` (ms, as a string) and `execution_arn`. What the records
 * hold depends on the logging level: at `ERROR` only failures are there, with no start or input.
 */
import type { WorkflowName } from "../../workflows/workflow-types.ts";

export const EXECUTION_STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

const TERMINAL: Readonly<Record<string, ExecutionStatus>> = {
  ExecutionSucceeded: "SUCCEEDED",
  ExecutionFailed: "FAILED",
  ExecutionTimedOut: "TIMED_OUT",
  ExecutionAborted: "ABORTED",
};

export interface LogRecord {
  readonly id: number;
  readonly type: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly timestamp: number;
  readonly executionArn: string;
}

export interface ExecutionSummary {
  readonly executionArn: string;
  readonly name: string;
  readonly workflow: WorkflowName;
  /** What started it: the rule's execution name prefix (`uplink`, `downlink-request`, …). */
  readonly event: string;
  readonly startTime: number;
  /** Known only when the start and the end were both logged. */
  readonly durationMs?: number;
  readonly status: ExecutionStatus;
  readonly thing?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** A log event's message as a record, or undefined for anything else in the group. */
export function parseLogRecord(message: string): LogRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof json !== "object" || json === null) return undefined;
  const record = json as Record<string, unknown>;
  const { type, execution_arn: executionArn, event_timestamp: timestamp, id, details } = record;
  if (typeof type !== "string" || typeof executionArn !== "string") return undefined;
  return {
    id: Number(id),
    type,
    details: typeof details === "object" && details !== null ? (details as Record<string, unknown>) : {},
    timestamp: Number(timestamp),
    executionArn,
  };
}

/** `arn:aws:states:<region>:<account>:express:<stateMachine>:<name>:<id>` (or `execution:` for Standard). */
export function executionName(executionArn: string): string {
  return executionArn.split(":")[7] ?? executionArn;
}

/** The longest known prefix the name starts with (names are `<prefix>-<unique id>`), else the name. */
export function eventOf(name: string, namePrefixes: readonly string[]): string {
  const matching = namePrefixes.filter((prefix) => name.startsWith(`${prefix}-`));
  return matching.sort((a, b) => b.length - a.length)[0] ?? name;
}

export function summarise(
  workflow: WorkflowName,
  records: readonly LogRecord[],
  namePrefixes: readonly string[],
): ExecutionSummary[] {
  const byExecution = new Map<string, LogRecord[]>();
  for (const record of records) {
    const list = byExecution.get(record.executionArn) ?? [];
    list.push(record);
    byExecution.set(record.executionArn, list);
  }
  return [...byExecution.entries()].map(([executionArn, events]) => {
    events.sort((a, b) => a.timestamp - b.timestamp || a.id - b.id);
    const started = events.find((event) => event.type === "ExecutionStarted");
    const ended = events.find((event) => TERMINAL[event.type] !== undefined);
    const name = executionName(executionArn);
    const thing = thingOf(events);
    const error = ended?.details["error"];
    const cause = ended?.details["cause"];
    const startTime = started?.timestamp ?? events[0]!.timestamp;
    return {
      executionArn,
      name,
      workflow,
      event: eventOf(name, namePrefixes),
      startTime,
      ...(started !== undefined && ended !== undefined ? { durationMs: ended.timestamp - started.timestamp } : {}),
      status: ended === undefined ? "RUNNING" : TERMINAL[ended.type]!,
      ...(thing === undefined ? {} : { thing }),
      ...(typeof error === "string" ? { error } : {}),
      ...(typeof cause === "string" ? { cause } : {}),
    };
  });
}

/**
 * The thing an execution worked on: the first `thingName` in its logged inputs and outputs or in the
 * rule event's payload (a downlink request names it), else the TTS device id in that payload (what the
 * upstream workflow names the thing after).
 * Nothing when the level logs no execution data.
 */
function thingOf(events: readonly LogRecord[]): string | undefined {
  let deviceId: string | undefined;
  for (const event of events) {
    for (const key of ["input", "output"]) {
      const data = parseJson(event.details[key]);
      const thing = findString(data, "thingName");
      if (thing !== undefined) return thing;
      const message = parseJson(decodeBase64(findString(data, "payload")));
      const requested = findString(message, "thingName");
      if (requested !== undefined) return requested;
      deviceId ??= findString(message, "device_id");
    }
  }
  return deviceId;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The MQTT message a rule event carries (`payload`, base64), as text: what people want to read in a history. */
export function ruleEventMessage(input: unknown): string | undefined {
  return decodeBase64(findString(parseJson(input), "payload"));
}

function decodeBase64(text: string | undefined): string | undefined {
  return text === undefined ? undefined : Buffer.from(text, "base64").toString("utf8");
}

/** Depth-first, the first string under `key`. */
function findString(value: unknown, key: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  for (const [name, member] of Object.entries(value)) {
    if (name === key && typeof member === "string") return member;
    const found = findString(member, key);
    if (found !== undefined) return found;
  }
  return undefined;
}
