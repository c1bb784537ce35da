/** Step Functions history events in GetExecutionHistory's wire shape. */

/** Event types the runtime is expected to report; any other AWS event type is accepted too. */
export type HistoryEventType =
  | "ExecutionStarted"
  | "ExecutionSucceeded"
  | "ExecutionFailed"
  | "ExecutionTimedOut"
  | "ExecutionAborted"
  | "TaskStateEntered"
  | "TaskStateExited"
  | "ChoiceStateEntered"
  | "ChoiceStateExited"
  | "PassStateEntered"
  | "PassStateExited"
  | "FailStateEntered"
  | "SucceedStateEntered"
  | "SucceedStateExited"
  | "ParallelStateEntered"
  | "ParallelStateExited"
  | "TaskScheduled"
  | "TaskStarted"
  | "TaskSucceeded"
  | "TaskFailed"
  | "LambdaFunctionScheduled"
  | "LambdaFunctionStarted"
  | "LambdaFunctionSucceeded"
  | "LambdaFunctionFailed"
  | (string & {});

export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: Date;
  readonly type: HistoryEventType;
  /** The matching `…EventDetails` member, e.g. `{ name, input }` for TaskStateEntered. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The HistoryEvent member that carries an event type's details: every `<Kind>StateEntered` uses
 * `stateEnteredEventDetails`, every `<Kind>StateExited` uses `stateExitedEventDetails`, and the
 * others are named after the type (`TaskFailed` → `taskFailedEventDetails`).
 */
export function historyDetailsKey(type: string): string {
  if (type.endsWith("StateEntered")) return "stateEnteredEventDetails";
  if (type.endsWith("StateExited")) return "stateExitedEventDetails";
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

export function toWireEvent(event: HistoryEvent): Record<string, unknown> {
  return {
    timestamp: event.timestamp.getTime() / 1000,
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
    ...(event.details === undefined ? {} : { [historyDetailsKey(event.type)]: event.details }),
  };
}
