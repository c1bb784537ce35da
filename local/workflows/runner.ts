/**
 * Runs the product's workflows locally: the `workflows/` ASL, executed by `aws-local-stepfunctions`,
 * each Lambda task calling the real handler in process. Every execution is recorded (input, output,
 * error and cause, history) in the execution store that the local Step Functions API reads.
 */
import { randomUUID } from "node:crypto";
import { ExecutionTimeoutError, StateMachine } from "aws-local-stepfunctions";
import pLimit, { type LimitFunction } from "p-limit";
import { allStates, type StateMachineDefinition } from "../../workflows/asl.ts";
import { stateMachineName, WORKFLOW_NAMES, WORKFLOWS } from "../../workflows/catalogue.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";
import type { ExecutionStore } from "../aws/execution-store.ts";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../aws/local-account.ts";
import "./jsonpath-scalar-results.ts";
import { assertExecutionInputWithinLimit, type ExecutionDataSize, runWithinDataLimits } from "./data-limit.ts";
import { historyEventOf } from "./history.ts";
import type { SdkIntegrations } from "./sdk-integrations.ts";
import { StateJsonCache } from "./state-json.ts";
import { type LocalHandlers, localFunctionArn, type TaskOverrides, taskOverrides } from "./task-overrides.ts";

export interface ExecutionSummary {
  readonly executionArn: string;
  readonly workflow: WorkflowName;
  readonly name: string;
  readonly status: "SUCCEEDED" | "FAILED" | "TIMED_OUT";
  readonly durationMs: number;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** Its largest payload and what it would log at level ALL (see data-limit.ts). */
  readonly dataSize: ExecutionDataSize;
}

export interface StartedExecution {
  readonly executionArn: string;
  readonly startDate: Date;
  /** Undefined when a shutdown cut it short: nothing recorded, it runs again at the next start. */
  readonly done: Promise<ExecutionSummary | undefined>;
}

/** A workflow start waiting in a durable queue (the runtime's inbox of accepted messages). */
export interface QueuedStart {
  readonly id: string;
  readonly workflow: WorkflowName;
  readonly namePrefix: string;
  readonly input: unknown;
}

/** Where the runner takes queued starts from, one per free concurrency slot. */
export interface StartQueue<Start extends QueuedStart = QueuedStart> {
  /** The next start no one has taken; the runner calls `done` with its id once its execution has ended. */
  take(): Start | undefined;
  done(id: string): void;
  /** Called when starts become takeable or leave the queue. */
  onChange(listener: () => void): () => void;
  /** Starts taken or not, not done. */
  readonly backlog: { readonly messages: number };
}

export interface DrainResult {
  /** Executions that ended while draining. */
  readonly drained: number;
  /** Executions still running when the time was up. */
  readonly stillRunning: number;
}

export class StateMachineDoesNotExistError extends Error {
  override readonly name = "StateMachineDoesNotExist";
}

interface LoadedWorkflow {
  readonly name: WorkflowName;
  readonly stateMachineName: string;
  readonly stateMachineArn: string;
  readonly definition: StateMachineDefinition;
  readonly machine: StateMachine;
  /** What aws-local-stepfunctions takes for each run: the task overrides and, in tests, shortened waits. */
  readonly runOverrides: Record<string, unknown>;
  readonly createdAt: Date;
}

export interface LocalWorkflowsOptions {
  readonly stackName: string;
  /** The state machines this deployment has (default: every workflow of the catalogue). */
  readonly workflows?: readonly WorkflowName[];
  readonly handlers: LocalHandlers;
  /** For workflows with direct SDK integrations (the downlink workflow's DescribeThing). */
  readonly sdk?: SdkIntegrations;
  readonly store: ExecutionStore;
  readonly region?: string;
  readonly account?: string;
  /** Called once per started execution, once it is RUNNING in the store (the inspector shows it). */
  readonly onStarted?: (executionArn: string) => void;
  /** Called once per finished execution (the runtime prints a line). */
  readonly onFinished?: (summary: ExecutionSummary) => void;
  /** Retry waits in ms instead of the ASL's seconds (tests); undefined keeps the real ones. */
  readonly retryIntervalMs?: number;
  /** Wait states' time in ms instead of the ASL's (tests); defaults to `retryIntervalMs`. */
  readonly waitMs?: number;
  /**
   * Executions running at once; more wait their turn (still recorded as started), as Lambda
   * concurrency bounds the cloud. Default 128, chosen by measurement (`bench/run.ts` at saturation,
   * alternated runs): against the former 24, ~28% more uplinks/s and ~20% less CPU per uplink, because
   * more executions share each event-loop turn's fixed costs and each group-committed journal write;
   * 96–256 measured alike. (24 dated from SDK calls over sockets, 50 per client; they are in process now.)
   */
  readonly maxConcurrent?: number;
}

export class LocalWorkflows {
  readonly #workflows: Map<WorkflowName, LoadedWorkflow>;
  readonly #options: LocalWorkflowsOptions;
  readonly #running = new Set<Promise<unknown>>();
  /** Aborts of the executions running now. */
  readonly #aborts = new Set<() => void>();
  /** Set when a drain ran out of time: the process is going away, the data dir with it. */
  #stopped = false;
  readonly #concurrency: LimitFunction;
  readonly #maxConcurrent: number;
  #queue: StartQueue | undefined;
  #taking = true;
  #finishedCount = 0;
  readonly #region: string;
  readonly #account: string;

  constructor(options: LocalWorkflowsOptions) {
    this.#options = options;
    this.#region = options.region ?? LOCAL_REGION;
    this.#account = options.account ?? LOCAL_ACCOUNT_ID;
    this.#maxConcurrent = options.maxConcurrent ?? 128;
    this.#concurrency = pLimit(this.#maxConcurrent);
    const createdAt = new Date();
    this.#workflows = new Map(
      (options.workflows ?? WORKFLOW_NAMES).map((name) => {
        const definition = WORKFLOWS[name].definition(localFunctionArn, { stackName: options.stackName });
        const smName = stateMachineName(options.stackName, name);
        const overrides = taskOverrides(definition, {
          handlers: options.handlers,
          ...(options.sdk ? { sdk: options.sdk } : {}),
        });
        const workflow: LoadedWorkflow = {
          name,
          stateMachineName: smName,
          stateMachineArn: `arn:aws:states:${this.#region}:${this.#account}:stateMachine:${smName}`,
          definition,
          machine: new StateMachine(definition as never),
          runOverrides: runOverrides(definition, overrides, options),
          createdAt,
        };
        return [name, workflow];
      }),
    );
  }

  stateMachines(): { name: string; stateMachineArn: string; type: "EXPRESS"; creationDate: Date }[] {
    return [...this.#workflows.values()].map((workflow) => ({
      name: workflow.stateMachineName,
      stateMachineArn: workflow.stateMachineArn,
      type: "EXPRESS",
      creationDate: workflow.createdAt,
    }));
  }

  stateMachineArn(workflow: WorkflowName): string {
    return this.#workflow(workflow).stateMachineArn;
  }

  /** Starts an execution by workflow name or state machine ARN, as IoT rules and StartExecution do. */
  start(
    target: WorkflowName | string,
    input: unknown,
    options: { name?: string; namePrefix?: string } = {},
  ): StartedExecution {
    const workflow = this.#resolve(target);
    const json = new StateJsonCache();
    assertExecutionInputWithinLimit(input, json);
    const name = options.name ?? (options.namePrefix ? `${options.namePrefix}-${randomUUID()}` : randomUUID());
    const executionArn = `arn:aws:states:${this.#region}:${this.#account}:express:${workflow.stateMachineName}:${name}:${randomUUID()}`;
    const startDate = new Date();
    this.#options.store.started({
      executionArn,
      stateMachineArn: workflow.stateMachineArn,
      name,
      input: json.of(input).text,
      startDate,
    });
    this.#options.onStarted?.(executionArn);
    const done = this.#concurrency(() => this.#run(workflow, executionArn, name, input, startDate, json));
    this.#running.add(done);
    void done.finally(() => this.#running.delete(done));
    return { executionArn, startDate, done };
  }

  /**
   * From now on, starts `queue`'s entries whenever a concurrency slot is free, and marks each done
   * when its execution has ended, whatever its status. A start that fails is reported and marked done.
   */
  takeFrom<Start extends QueuedStart>(
    queue: StartQueue<Start>,
    onStartFailure: (start: Start, error: Error) => void,
  ): void {
    // Counted here rather than read from p-limit, whose counts change a few ticks after an execution ends.
    let inFlight = 0;
    const take = () => {
      while (this.#taking && inFlight < this.#maxConcurrent) {
        const next = queue.take();
        if (next === undefined) return;
        let started: StartedExecution;
        try {
          started = this.start(next.workflow, next.input, { name: `${next.namePrefix}-${next.id}` });
        } catch (error) {
          onStartFailure(next, error as Error);
          queue.done(next.id);
          continue;
        }
        inFlight += 1;
        started.done.then(
          (summary) => {
            inFlight -= 1;
            if (summary !== undefined) queue.done(next.id);
          },
          (error: Error) => {
            inFlight -= 1;
            onStartFailure(next, error);
            queue.done(next.id);
          },
        );
      }
    };
    this.#queue = queue;
    queue.onChange(take);
    take();
  }

  /** Resolves when no execution is running and, while taking, the queue is empty (tests, benchmarks). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#running.size > 0) {
        await Promise.allSettled([...this.#running]);
      } else if (this.#taking && this.#queue !== undefined && this.#queue.backlog.messages > 0) {
        const queue = this.#queue;
        await new Promise<void>((resolve) => {
          const stop = queue.onChange(() => {
            stop();
            resolve();
          });
        });
      } else {
        return;
      }
    }
  }

  /** Stops taking queued starts and waits, at most `timeoutMs`, for running executions to end (shutdown). */
  async drain(timeoutMs: number): Promise<DrainResult> {
    this.#taking = false;
    const before = this.#finishedCount;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    const result = { drained: this.#finishedCount - before, stillRunning: this.#running.size };
    if (result.stillRunning > 0) {
      // Cut short, not ended: nothing more is recorded of them (their journal lines stay RUNNING, read
      // back as ABORTED) and their inbox entries stay open, so they run again at the next start.
      this.#stopped = true;
      for (const abort of this.#aborts) abort();
    }
    return result;
  }

  get running(): number {
    return this.#running.size;
  }

  async #run(
    workflow: LoadedWorkflow,
    executionArn: string,
    name: string,
    input: unknown,
    startDate: Date,
    json: StateJsonCache,
  ): Promise<ExecutionSummary | undefined> {
    const { store } = this.#options;
    const { execution, size } = runWithinDataLimits(
      workflow.machine,
      workflow.definition,
      input,
      {
        overrides: workflow.runOverrides as never,
        context: {
          Execution: { Id: executionArn, Name: name, StartTime: startDate.toISOString(), Input: input },
        } as never,
      },
      json,
    );
    if (this.#stopped) execution.abort();
    this.#aborts.add(execution.abort);
    const recording = (async () => {
      for await (const event of execution.eventLogs) {
        const history = historyEventOf(event, json);
        if (history !== undefined && !this.#stopped) store.appendEvent(executionArn, history);
      }
    })();

    let summary: ExecutionSummary;
    const base = { executionArn, workflow: workflow.name, name, input, dataSize: size };
    try {
      const output = await execution.result;
      summary = { ...base, status: "SUCCEEDED", output, durationMs: Date.now() - startDate.getTime() };
    } catch (failure) {
      const timedOut = failure instanceof ExecutionTimeoutError;
      const cause = (failure as { cause?: unknown }).cause;
      const error = timedOut ? "States.Timeout" : cause instanceof Error ? cause.name : "States.Runtime";
      const message = timedOut ? "The execution timed out" : cause instanceof Error ? cause.message : String(failure);
      summary = {
        ...base,
        status: timedOut ? "TIMED_OUT" : "FAILED",
        error,
        cause: message,
        durationMs: Date.now() - startDate.getTime(),
      };
    }
    await recording.catch(() => undefined);
    this.#aborts.delete(execution.abort);
    if (this.#stopped) return undefined;
    store.finished(
      executionArn,
      summary.status === "SUCCEEDED"
        ? { status: "SUCCEEDED", output: json.of(summary.output ?? null).text }
        : { status: summary.status, error: summary.error!, cause: summary.cause! },
    );
    this.#finishedCount += 1;
    this.#options.onFinished?.(summary);
    return summary;
  }

  #resolve(target: string): LoadedWorkflow {
    for (const workflow of this.#workflows.values()) {
      if (workflow.name === target || workflow.stateMachineArn === target) return workflow;
    }
    throw new StateMachineDoesNotExistError(`State Machine Does Not Exist: '${target}'`);
  }

  #workflow(name: WorkflowName): LoadedWorkflow {
    return this.#resolve(name);
  }
}

/** Built once per workflow, not per execution. */
function runOverrides(
  definition: StateMachineDefinition,
  overrides: TaskOverrides,
  options: Pick<LocalWorkflowsOptions, "retryIntervalMs" | "waitMs">,
): Record<string, unknown> {
  const { retryIntervalMs, waitMs = retryIntervalMs } = options;
  const waitStates = allStates(definition).filter(({ state }) => state.Type === "Wait");
  return {
    taskResourceLocalHandlers: overrides,
    ...(retryIntervalMs === undefined
      ? {}
      : {
          retryIntervalOverrides: Object.fromEntries(Object.keys(overrides).map((state) => [state, retryIntervalMs])),
        }),
    ...(waitMs === undefined
      ? {}
      : { waitTimeOverrides: Object.fromEntries(waitStates.map(({ name }) => [name, waitMs])) }),
  };
}
