/** Reads a state machine's execution records from its CloudWatch log group (FilterLogEvents, paginated). */
import {
  type CloudWatchLogsClient,
  paginateFilterLogEvents,
  ResourceNotFoundException,
} from "@aws-sdk/client-cloudwatch-logs";
import { type LogRecord, parseLogRecord } from "./execution-summary.ts";

export class LogGroupMissingError extends Error {
  override readonly name = "LogGroupMissingError";
  readonly logGroupName: string;
  constructor(logGroupName: string) {
    super(`log group ${logGroupName} does not exist: is the stack deployed, and its workflows' logLevel not OFF?`);
    this.logGroupName = logGroupName;
  }
}

export interface ReadOptions {
  readonly startTime?: number;
  readonly filterPattern?: string;
  /** Stop after this many events; `truncated` says so. */
  readonly maxEvents: number;
}

export async function readExecutionRecords(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  options: ReadOptions,
): Promise<{ records: LogRecord[]; truncated: boolean }> {
  const records: LogRecord[] = [];
  const pages = paginateFilterLogEvents(
    { client: logs },
    {
      logGroupName,
      ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
      ...(options.filterPattern === undefined ? {} : { filterPattern: options.filterPattern }),
    },
  );
  try {
    for await (const page of pages) {
      for (const event of page.events ?? []) {
        const record = event.message === undefined ? undefined : parseLogRecord(event.message);
        if (record !== undefined) records.push(record);
        if (records.length >= options.maxEvents) return { records, truncated: true };
      }
    }
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new LogGroupMissingError(logGroupName);
    throw error;
  }
  return { records, truncated: false };
}
