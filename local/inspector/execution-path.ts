/**
 * What the console's execution view shows, from an execution's history events: each state's input and
 * output, its retries and its error and cause, the states the execution went through and the transitions
 * it took, and where it failed.
 *
 * A `TaskFailed` event names no state (nor does AWS's): it belongs to the latest task entered and not yet
 * exited. A failure followed by the task exiting was retried; one followed by a Catch target was caught.
 */
import type { HistoryEvent } from "../aws/history-events.ts";
import type { ExecutionStatus } from "../aws/stored-execution.ts";
import { type GraphEdge, stateNodeId, type WorkflowGraph } from "./workflow-graph.ts";

export type StateOutcome = "succeeded" | "failed" | "caught" | "running";

export interface StateRun {
  readonly name: string;
  /** The state's kind as the history names it (`Task`, `Choice`, …). */
  readonly type: string;
  readonly outcome: StateOutcome;
  readonly enteredAt: number;
  readonly exitedAt?: number;
  readonly input?: string;
  readonly output?: string;
  /** Failed attempts that were tried again. */
  readonly retries: number;
  readonly error?: string;
  readonly cause?: string;
}

export interface ExecutionPath {
  /** In the order they were entered (a state entered again in a loop appears again). */
  readonly runs: readonly StateRun[];
  /** Graph node ids the execution reached. */
  readonly visited: readonly string[];
  /** Indexes into the graph's edges of the transitions taken. */
  readonly taken: readonly number[];
  /** The node marked as where the execution failed. */
  readonly failedNode?: string;
}

interface MutableRun {
  name: string;
  type: string;
  outcome: StateOutcome;
  enteredAt: number;
  exitedAt?: number;
  input?: string;
  output?: string;
  failures: { error?: string; cause?: string }[];
}

export function executionPath(
  events: readonly HistoryEvent[],
  status: ExecutionStatus,
  graph: WorkflowGraph,
): ExecutionPath {
  const runs: MutableRun[] = [];
  const open: MutableRun[] = [];
  /** aws-local-stepfunctions exits a task whose error a Catch took: the state entered next tells. */
  let lastExited: MutableRun | undefined;
  for (const event of events) {
    const details = event.details ?? {};
    const name = typeof details["name"] === "string" ? details["name"] : undefined;
    const at = event.timestamp.getTime();
    if (event.type.endsWith("StateEntered") && name !== undefined) {
      const run: MutableRun = {
        name,
        type: event.type.slice(0, -"StateEntered".length),
        outcome: "running",
        enteredAt: at,
        failures: [],
        ...text("input", details["input"]),
      };
      if (lastExited !== undefined && lastExited.failures.length > 0 && isCaughtBy(lastExited, name, true)) {
        lastExited.outcome = "caught";
      }
      lastExited = undefined;
      runs.push(run);
      open.push(run);
      // Entering a Catch target closes the state that failed.
      for (const failed of open.filter((candidate) => candidate.outcome === "running" && isCaughtBy(candidate, name))) {
        failed.outcome = "caught";
        open.splice(open.indexOf(failed), 1);
      }
    } else if (event.type.endsWith("StateExited") && name !== undefined) {
      const run = open.findLast((candidate) => candidate.name === name);
      if (run === undefined) continue;
      run.outcome = "succeeded";
      run.exitedAt = at;
      Object.assign(run, text("output", details["output"]));
      open.splice(open.indexOf(run), 1);
      lastExited = run;
    } else if (event.type === "TaskFailed" || event.type === "LambdaFunctionFailed") {
      const run = open.findLast((candidate) => candidate.type === "Task");
      run?.failures.push({ ...text("error", details["error"]), ...text("cause", details["cause"]) });
    }
  }
  // A state still open when the execution ended is where it stopped.
  const ended = status !== "RUNNING";
  for (const run of open) {
    if (ended) run.outcome = run.type === "Parallel" ? "caught" : "failed";
  }
  for (const run of runs) {
    if (run.type === "Fail") run.outcome = "failed";
  }
  const stateRuns = runs.map(finishRun);
  const visited = new Set(["start", ...stateRuns.map((run) => stateNodeId(run.name))]);
  const exited = new Set(stateRuns.filter((run) => run.outcome === "succeeded").map((run) => stateNodeId(run.name)));
  const failedAt = new Set(stateRuns.filter((run) => run.outcome !== "succeeded").map((run) => stateNodeId(run.name)));
  for (const run of stateRuns) {
    if (run.type === "Parallel" && run.outcome === "succeeded") visited.add(`join:${run.name}`);
  }
  if (status === "SUCCEEDED") visited.add("end");
  const taken = graph.edges.flatMap((edge, index) => (isTaken(edge, visited, exited, failedAt) ? [index] : []));
  const failedRun = stateRuns.findLast((run) => run.outcome === "failed");
  return {
    runs: stateRuns,
    visited: [...visited],
    taken,
    ...(failedRun === undefined || status === "SUCCEEDED" ? {} : { failedNode: stateNodeId(failedRun.name) }),
  };

  /** `exited`: the state ended with an output, which its Next would also have followed. */
  function isCaughtBy(candidate: MutableRun, target: string, exited = false): boolean {
    if (candidate.failures.length === 0 && candidate.type !== "Parallel") return false;
    const from = stateNodeId(candidate.name);
    const to = stateNodeId(target);
    const leadsTo = (kind: string) =>
      graph.edges.some((edge) => edge.kind === kind && edge.from === from && edge.to === to);
    return leadsTo("catch") && !(exited && leadsTo("next"));
  }
}

function isTaken(
  edge: GraphEdge,
  visited: ReadonlySet<string>,
  exited: ReadonlySet<string>,
  failedAt: ReadonlySet<string>,
): boolean {
  if (!visited.has(edge.from) || !visited.has(edge.to)) return false;
  if (edge.kind === "catch") return failedAt.has(edge.from);
  if (edge.from === "start" || edge.from.startsWith("join:") || edge.kind === "branch") return true;
  return exited.has(edge.from);
}

function finishRun(run: MutableRun): StateRun {
  const { failures, ...rest } = run;
  // The last failure is the state's error when it failed or was caught; the others were retried.
  // A caught state's output is the Catch's result, not the task's: it is shown, as the console does.
  const final = run.outcome === "failed" || run.outcome === "caught" ? failures.at(-1) : undefined;
  return {
    ...rest,
    retries: final === undefined ? failures.length : failures.length - 1,
    ...(final ?? {}),
  };
}

function text<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === "string" ? ({ [key]: value } as Record<K, string>) : {};
}
