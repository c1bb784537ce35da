/** The local AWS endpoint's public API. */
export { startAwsEndpoint, type AwsEndpoint, type AwsEndpointOptions } from "./server.ts";
export { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from "./local-account.ts";
export {
  ExecutionStore,
  ExecutionAlreadyFinishedError,
  DEFAULT_MAX_EXECUTIONS,
  type ExecutionRecord,
  type ExecutionStart,
  type ExecutionStatus,
  type ExecutionOutcome,
  type ExecutionFilter,
  type NewHistoryEvent,
} from "./execution-store.ts";
export type { HistoryEvent, HistoryEventType } from "./history-events.ts";
export type { StepFunctionsBackend, StateMachineSummary, StartExecutionRequest } from "./step-functions-backend.ts";
export type { PublishFn, PublishOptions } from "./publish.ts";
export { AwsError, CorruptStateFileError } from "./errors.ts";
export { PortInUseError } from "../net/listen.ts";
