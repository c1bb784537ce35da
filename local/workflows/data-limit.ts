/**
 * Step Functions' payload limit, enforced on the local runner as AWS enforces it: the execution input
 * at StartExecution, and during the execution every state's input (entering it) and output, every
 * task's parameters (scheduling it) and result, at most 262,144 bytes of UTF-8 JSON. Past it the
 * state fails with `States.DataLimitExceeded`, which neither a Retry nor a Catch takes, `States.ALL`
 * included, so the execution fails with it (AWS Step Functions Developer Guide, "Handling errors in
 * Step Functions workflows": "States.ALL … cannot catch the States.DataLimitExceeded terminal error").
 *
 * Also measures what AWS would log for the execution at level ALL with execution data: the bytes of
 * every history event's input, output, parameters or result, and the largest of them.
 *
 * Hand-written: aws-local-stepfunctions 3.0.0 (pinned) has no limit and no synchronous hook on a
 * state's input or output. Its state machine loop reports both to its event logger, synchronously and
 * inside the loop's try, so a check wrapped around those two calls fails the execution right there,
 * before the next state runs. Parallel branches run as nested state machines of the same class with
 * the same run options, so the meter placed in the run options reaches them too.
 */
import { StateMachine } from "aws-local-stepfunctions";
import { DATA_LIMIT_EXCEEDED, STEP_FUNCTIONS_LIMITS } from "../../functions/core/step-functions-limits.ts";
import { allStates, type StateMachineDefinition } from "../../workflows/asl.ts";
import { StateJsonCache } from "./state-json.ts";

/** A payload over the limit inside an execution: terminal, as on AWS. */
export class DataLimitExceededError extends Error {
  override readonly name = DATA_LIMIT_EXCEEDED;
  /** aws-local-stepfunctions reads these two: no retrier and no catcher may take this error. */
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/**
 * StartExecution with an input over the limit. The API reference gives `input` a "Maximum length of
 * 262144" (bytes of UTF-8); AWS answers a broken length constraint with a ValidationException.
 */
export class ExecutionInputTooLargeError extends Error {
  override readonly name = "ValidationException";
}

/** What an execution would log at level ALL with execution data, and its largest payload. */
export interface ExecutionDataSize {
  /** The largest input, output, task parameters or task result of the execution, in bytes (one over the limit included). */
  readonly maxStateBytes: number;
  /** The sum over the history events that carry data (execution start and end, state entered and exited, task scheduled and succeeded). */
  readonly loggedBytes: number;
}

const MAX = STEP_FUNCTIONS_LIMITS.maxPayloadBytes;

/** @throws ExecutionInputTooLargeError as StartExecution would. */
export function assertExecutionInputWithinLimit(input: unknown, json = new StateJsonCache()): void {
  const { bytes } = json.of(input);
  if (bytes > MAX) {
    throw new ExecutionInputTooLargeError(
      `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX}`,
    );
  }
}

class DataMeter implements ExecutionDataSize {
  maxStateBytes = 0;
  loggedBytes = 0;
  readonly #json: StateJsonCache;

  constructor(json: StateJsonCache) {
    this.#json = json;
  }

  /**
   * Counts one payload; one over the limit fails its state, and is not logged (the state never gets it).
   * `fresh`: the value may have changed since its text was made.
   */
  measure(value: unknown, overLimit: () => string, fresh = false): void {
    const { bytes } = fresh ? this.#json.fresh(value) : this.#json.of(value);
    this.maxStateBytes = Math.max(this.maxStateBytes, bytes);
    if (bytes > MAX) throw new DataLimitExceededError(overLimit());
    this.loggedBytes += bytes;
  }

  /** Counts a payload that was checked elsewhere (the execution's input at StartExecution, its output as the last state's). */
  record(value: unknown): void {
    const { bytes } = this.#json.of(value);
    this.maxStateBytes = Math.max(this.maxStateBytes, bytes);
    this.loggedBytes += bytes;
  }
}

/** AWS's wording for a result over the limit (as executions on AWS report it). */
const resultTooLarge = (name: string) => () =>
  `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`;
/** AWS documents the condition but not its wording for inputs; this one mirrors the result's. */
const inputTooLarge = (name: string) => () =>
  `The state/task '${name}' has an input with a size exceeding the maximum number of bytes service limit.`;

type TaskOverride = (input: unknown) => Promise<unknown>;
type RunOptions = NonNullable<Parameters<StateMachine["run"]>[1]>;
type Execution = ReturnType<StateMachine["run"]>;

const METER = Symbol("tts-aws-iot.dataMeter");

/**
 * Runs `machine` (built from `definition`) within the payload limit. `options.overrides.taskResourceLocalHandlers`
 * are wrapped so that each task's parameters and result are measured too.
 */
export function runWithinDataLimits(
  machine: StateMachine,
  definition: StateMachineDefinition,
  input: unknown,
  options: RunOptions,
  json = new StateJsonCache(),
): { execution: Execution; size: ExecutionDataSize } {
  const meter = new DataMeter(json);
  meter.record(input); // ExecutionStarted
  const tasks = (options.overrides?.taskResourceLocalHandlers ?? {}) as Record<string, TaskOverride>;
  const resources = taskResourceTypes(definition);
  const metered = Object.fromEntries(
    Object.entries(tasks).map(([state, run]) => [
      state,
      async (parameters: unknown) => {
        meter.measure(parameters, inputTooLarge(state));
        const result = await run(parameters);
        // The handler may have changed, and returned, the object it was given.
        meter.measure(result, resultTooLarge(resources.get(state) ?? state), true);
        return result;
      },
    ]),
  );
  const runOptions = {
    ...options,
    overrides: { ...options.overrides, taskResourceLocalHandlers: metered },
    [METER]: meter,
  } as RunOptions;
  const execution = machine.run(input as never, runOptions);
  const result = execution.result.then((output) => {
    meter.record(output); // ExecutionSucceeded
    return output;
  });
  return { execution: { ...execution, result }, size: meter };
}

const resourceTypesOf = new WeakMap<StateMachineDefinition, Map<string, string>>();

/** Step Functions names a task by its resource type in the error: `lambda`, `aws-sdk:iot`. Once per definition. */
function taskResourceTypes(definition: StateMachineDefinition): Map<string, string> {
  const known = resourceTypesOf.get(definition);
  if (known !== undefined) return known;
  const types = new Map<string, string>();
  resourceTypesOf.set(definition, types);
  for (const { name, state } of allStates(definition)) {
    if (state.Type !== "Task") continue;
    const integration = /^arn:aws:states:::(.+)$/.exec(state.Resource)?.[1];
    if (integration !== undefined) types.set(name, integration.split(":").slice(0, -1).join(":") || integration);
  }
  return types;
}

interface EngineEventLogger {
  dispatchStateEnteredEvent(name: string, type: string, input: unknown): void;
  dispatchStateExitedEvent(name: string, type: string, input: unknown, output: unknown): void;
}
interface EngineExecuteOptions {
  readonly runOptions?: { readonly [METER]?: DataMeter };
  readonly eventLogger: EngineEventLogger;
}
type EngineExecute = (this: StateMachine, input: unknown, options: EngineExecuteOptions, cleanup: unknown) => unknown;

function guardStates(logger: EngineEventLogger, meter: DataMeter): void {
  const entered = logger.dispatchStateEnteredEvent.bind(logger);
  const exited = logger.dispatchStateExitedEvent.bind(logger);
  logger.dispatchStateEnteredEvent = (name, type, input) => {
    meter.measure(input, inputTooLarge(name));
    entered(name, type, input);
  };
  logger.dispatchStateExitedEvent = (name, type, input, output) => {
    meter.measure(output, resultTooLarge(name));
    exited(name, type, input, output);
  };
}

// The engine's (TypeScript-private) state loop, wrapped once for every state machine of the process:
// only runs that carry a meter are checked, so a plain `StateMachine.run` behaves as the library does.
const prototype = StateMachine.prototype as unknown as { execute: EngineExecute };
const engineExecute = prototype.execute;
prototype.execute = function (input, options, cleanup) {
  const meter = options.runOptions?.[METER];
  if (meter !== undefined) guardStates(options.eventLogger, meter);
  return engineExecute.call(this, input, options, cleanup);
};
