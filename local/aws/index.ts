/** The local AWS endpoint's public API. */

export { PortInUseError } from "../net/listen.ts";
export { AwsError, CorruptStateFileError } from "./errors.ts";
export {
  DEFAULT_MAX_EXECUTIONS,
  ExecutionAlreadyFinishedError,
  type ExecutionFilter,
  type ExecutionOutcome,
  type ExecutionRecord,
  type ExecutionStart,
  type ExecutionStatus,
  ExecutionStore,
  type NewHistoryEvent,
} from "./execution-store.ts";
export type { HistoryEvent, HistoryEventType } from "./history-events.ts";
export { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from "./local-account.ts";
export type { LogEvent, LogGroup, LogSource } from "./logs/log-source.ts";
export type { PublishFn, PublishOptions } from "./publish.ts";
export { type AwsEndpoint, type AwsEndpointOptions, startAwsEndpoint } from "./server.ts";
export { type QueueSettings, SqsQueues } from "./sqs-queues.ts";
export type { StartExecutionRequest, StateMachineSummary, StepFunctionsBackend } from "./step-functions-backend.ts";
