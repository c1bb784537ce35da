/**
 * What the CloudWatch Logs reads serve: log groups and their events, produced by whoever writes them
 * (the workflow runner renders its executions as Step Functions' log records). The endpoint only reads.
 */
export interface LogEvent {
  readonly logStreamName: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly ingestionTime: number;
  readonly message: string;
  /** Unique within the log group, stable across reads. */
  readonly eventId: string;
}

export interface LogGroup {
  readonly logGroupName: string;
  /** Epoch milliseconds. */
  readonly creationTime: number;
  readonly retentionInDays?: number;
  /** Oldest first. */
  events(): readonly LogEvent[];
}

export interface LogSource {
  groups(): readonly LogGroup[];
}
