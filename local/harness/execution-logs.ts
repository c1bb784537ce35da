/**
 * Reading workflow executions back as on AWS: Express history is only in the state machine's
 * CloudWatch log group, read with FilterLogEvents and a JSON filter pattern.
 */
import { type CloudWatchLogsClient, paginateFilterLogEvents } from "@aws-sdk/client-cloudwatch-logs";
import { stateMachineLogGroupName } from "../../workflows/catalogue.ts";

/** A Step Functions log record (AWS Step Functions Developer Guide, "Logging in CloudWatch Logs"). */
export interface ExecutionLogRecord {
  readonly id: string;
  readonly type: string;
  readonly details: Record<string, unknown>;
  readonly previous_event_id: string;
  readonly event_timestamp: string;
  readonly execution_arn: string;
  readonly redrive_count: string;
}

export async function executionLogRecords(
  logs: CloudWatchLogsClient,
  stateMachineName: string,
  filterPattern: string,
): Promise<ExecutionLogRecord[]> {
  const records: ExecutionLogRecord[] = [];
  const pages = paginateFilterLogEvents(
    { client: logs },
    { logGroupName: stateMachineLogGroupName(stateMachineName), filterPattern },
  );
  for await (const page of pages) {
    for (const event of page.events ?? []) records.push(JSON.parse(event.message ?? "{}") as ExecutionLogRecord);
  }
  return records;
}
