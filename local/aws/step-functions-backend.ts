/**
 * What the endpoint needs from whatever runs workflows (the offline runtime): the state machines it
 * knows and a way to start one. Errors with an AWS Step Functions error name (`StateMachineDoesNotExist`,
 * `ExecutionAlreadyExists`, `InvalidArn`, `InvalidExecutionInput`, …) reach the SDK caller as such.
 * The backend records executions in the shared `ExecutionStore`; the endpoint only reads them.
 */
export interface StateMachineSummary {
  readonly name: string;
  readonly stateMachineArn: string;
  readonly type: "EXPRESS" | "STANDARD";
  readonly creationDate: Date;
}

export interface StartExecutionRequest {
  readonly stateMachineArn: string;
  readonly name?: string | undefined;
  /** JSON text; `"{}"` when the caller gave none. */
  readonly input: string;
}

export interface StepFunctionsBackend {
  listStateMachines(): readonly StateMachineSummary[];
  startExecution(request: StartExecutionRequest): Promise<{ executionArn: string; startDate: Date }>;
}

/** Client errors of the Step Functions API that a backend may throw by name. */
export const STEP_FUNCTIONS_ERROR_NAMES: ReadonlySet<string> = new Set([
  "ExecutionAlreadyExists",
  "ExecutionDoesNotExist",
  "ExecutionLimitExceeded",
  "InvalidArn",
  "InvalidExecutionInput",
  "InvalidName",
  "StateMachineDeleting",
  "StateMachineDoesNotExist",
  "ValidationException",
]);
