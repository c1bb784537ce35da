/**
 * An execution as one journal line. Each distinct input or output text of the execution is written once,
 * in `data`; the record and its events name texts by their index there. A state's data usually flows
 * unchanged from one event to the next (a task's output is the next state's input), so writing every
 * event's copy made the journal ~18× the size of a large uplink.
 *
 *   {"v":2,"executionArn":…,"status":"SUCCEEDED","startDate":1700000000000,"data":["{…}","{…}"],
 *    "input":0,"output":1,"events":[{"type":"ExecutionStarted","timestamp":…,"details":{"input":0}},…]}
 *
 * Event ids are positions (1, 2, …), each event's previous event is the one before. Lines of the first
 * format (every event carrying its own copies, `id` and `previousEventId`) are still read.
 */
import { z } from "zod";
import type { HistoryEvent } from "./history-events.ts";

export const EXECUTION_STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

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

/** Records are mutable inside the store only. */
export type MutableRecord = { -readonly [K in keyof ExecutionRecord]: ExecutionRecord[K] } & { events: HistoryEvent[] };

/** The details members that hold execution data, written as indexes into `data`. */
const DATA_FIELDS = ["input", "output"] as const;

const Details = z.record(z.string(), z.unknown());

const Metadata = {
  executionArn: z.string().min(1),
  stateMachineArn: z.string().min(1),
  name: z.string(),
  status: z.enum(EXECUTION_STATUSES),
  startDate: z.number(),
  stopDate: z.number().exactOptional(),
  error: z.string().exactOptional(),
  cause: z.string().exactOptional(),
};

const CompactLine = z
  .object({
    v: z.literal(2),
    ...Metadata,
    data: z.array(z.string()),
    input: z.number().int().nonnegative(),
    output: z.number().int().nonnegative().exactOptional(),
    events: z.array(z.object({ type: z.string().min(1), timestamp: z.number(), details: Details.exactOptional() })),
  })
  .check((context) => {
    const { data, input, output, events } = context.value;
    const refs = [input, output, ...events.flatMap((event) => DATA_FIELDS.map((field) => event.details?.[field]))];
    if (refs.some((ref) => typeof ref === "number" && !(Number.isInteger(ref) && ref >= 0 && ref < data.length))) {
      context.issues.push({ code: "custom", input: context.value, path: ["data"], message: "an index past data" });
    }
  });

/** The first format: the whole record, every event with its own copies. */
const FullLine = z.object({
  ...Metadata,
  input: z.string(),
  output: z.string().exactOptional(),
  events: z.array(
    z.object({
      id: z.number().int(),
      previousEventId: z.number().int(),
      type: z.string().min(1),
      timestamp: z.number(),
      details: Details.exactOptional(),
    }),
  ),
});

export type ExecutionLine = z.infer<typeof CompactLine> | z.infer<typeof FullLine>;

/** The schema a parsed line must match: compact lines say `"v":2`, lines of the first format have no `v`. */
export function executionLineSchema(value: unknown): z.ZodType<ExecutionLine> {
  return typeof value === "object" && value !== null && "v" in value ? CompactLine : FullLine;
}

export function isCompactLine(line: ExecutionLine): boolean {
  return "v" in line;
}

export function toLine(record: ExecutionRecord): string {
  const data: string[] = [];
  const ref = (text: string): number => {
    const index = data.indexOf(text);
    return index === -1 ? data.push(text) - 1 : index;
  };
  const toRef = (value: unknown) => (typeof value === "string" ? ref(value) : value);
  const { stopDate, startDate, input, output, events, ...rest } = record;
  return JSON.stringify({
    v: 2,
    ...rest,
    startDate: startDate.getTime(),
    ...(stopDate === undefined ? {} : { stopDate: stopDate.getTime() }),
    data,
    input: ref(input),
    ...(output === undefined ? {} : { output: ref(output) }),
    events: events.map((event) => ({
      type: event.type,
      timestamp: event.timestamp.getTime(),
      ...(event.details === undefined ? {} : { details: withDataFields(event.details, toRef) }),
    })),
  });
}

/** The record of a line; equal texts of a line in the first format become one string in memory. */
export function fromLine(line: ExecutionLine): MutableRecord {
  const texts: string[] = [];
  const text =
    "v" in line ? (value: unknown) => (typeof value === "number" ? line.data[value] : value) : sharedIn(texts);
  const { stopDate, startDate, input, output, events, ...metadata } = line;
  const { v: _version, data: _data, ...rest } = metadata as typeof metadata & { v?: 2; data?: string[] };
  return {
    ...rest,
    startDate: new Date(startDate),
    ...(stopDate === undefined ? {} : { stopDate: new Date(stopDate) }),
    input: text(input) as string,
    ...(output === undefined ? {} : { output: text(output) as string }),
    events: events.map((event, index) => ({
      id: index + 1,
      previousEventId: index,
      timestamp: new Date(event.timestamp),
      type: event.type,
      ...(event.details === undefined ? {} : { details: withDataFields(event.details, text) }),
    })),
  };
}

/** A data member as the execution's one copy of that text (in `texts`): equal texts share one string. */
export function sharedIn(texts: string[]): (value: unknown) => unknown {
  return (value) => (typeof value === "string" ? intern(texts, value) : value);
}

/** The one copy of `text` in `texts` (added if new). */
function intern(texts: string[], text: string): string {
  const index = texts.indexOf(text);
  if (index !== -1) return texts[index]!;
  texts.push(text);
  return text;
}

/** `details` with its data members (input, output) passed through `convert`. */
export function withDataFields(
  details: Readonly<Record<string, unknown>>,
  convert: (value: unknown) => unknown,
): Record<string, unknown> {
  const converted: Record<string, unknown> = { ...details };
  for (const field of DATA_FIELDS) {
    if (details[field] !== undefined) converted[field] = convert(details[field]);
  }
  return converted;
}
