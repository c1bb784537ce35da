/**
 * The part of the Amazon States Language our workflows use, typed, JSONPath flavour only:
 * `aws-local-stepfunctions` ignores JSONata, `Arguments`, `Output` and `Assign`, and the same
 * document must behave the same locally and on AWS.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type PayloadTemplate = { [key: string]: JsonValue };

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
}

export interface Catcher {
  ErrorEquals: string[];
  ResultPath?: string;
  Next: string;
}

interface Transition {
  Next?: string;
  End?: true;
}

interface StateBase extends Transition {
  Comment?: string;
  InputPath?: string;
  OutputPath?: string;
}

export interface TaskState extends StateBase {
  Type: "Task";
  Resource: string;
  Parameters?: PayloadTemplate;
  ResultSelector?: PayloadTemplate;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface ParallelState extends StateBase {
  Type: "Parallel";
  Branches: StateMachineDefinition[];
  ResultSelector?: PayloadTemplate;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface PassState extends StateBase {
  Type: "Pass";
  Parameters?: PayloadTemplate;
  Result?: JsonValue;
  ResultPath?: string | null;
}

/** A comparison (`Variable` + one operator such as `StringEquals`, `IsPresent`) or `And`/`Or`/`Not` of rules. */
export interface ChoiceRule {
  Variable?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  /** Only on the top-level rules of a Choice state. */
  Next?: string;
  [comparison: string]: JsonValue | ChoiceRule | ChoiceRule[] | undefined;
}

export interface ChoiceState {
  Type: "Choice";
  Comment?: string;
  Choices: ChoiceRule[];
  Default?: string;
}

export interface SucceedState {
  Type: "Succeed";
  Comment?: string;
}

export interface FailState {
  Type: "Fail";
  Comment?: string;
  Error?: string;
  Cause?: string;
  ErrorPath?: string;
  CausePath?: string;
}

export interface WaitState extends StateBase {
  Type: "Wait";
  Seconds?: number;
  /** A path to a whole number of seconds in the state's input. */
  SecondsPath?: string;
}

export type State = TaskState | ParallelState | PassState | ChoiceState | WaitState | SucceedState | FailState;

export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, State>;
}

export interface StateInDefinition {
  /** Readable position, e.g. `UpdateShadowAndRepublish[0]/UpdateShadow`. */
  readonly path: string;
  readonly name: string;
  readonly state: State;
}

/** Every state of a definition, those inside Parallel branches included, in document order. */
export function allStates(definition: StateMachineDefinition, prefix = ""): StateInDefinition[] {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const path = `${prefix}${name}`;
    const nested =
      state.Type === "Parallel"
        ? state.Branches.flatMap((branch, index) => allStates(branch, `${path}[${index}]/`))
        : [];
    return [{ path, name, state }, ...nested];
  });
}
