/**
 * Translates `aws-local-stepfunctions` event logs into Step Functions history events, so that
 * GetExecutionHistory on the local endpoint reads like the console's execution view.
 */
import type { StateMachine } from "aws-local-stepfunctions";
import type { NewHistoryEvent } from "../aws/execution-store.ts";
import type { StateJsonCache } from "./state-json.ts";

export type EngineEvent = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

/** `json`: the execution's texts of its states' data. */
export function historyEventOf(event: EngineEvent, json: StateJsonCache): NewHistoryEvent | undefined {
  const timestamp = new Date(event.timestamp);
  switch (event.type) {
    case "StateEntered":
      return {
        type: `${event.state.type}StateEntered`,
        timestamp,
        details: { name: event.state.name, input: json.of(event.state.input).text },
      };
    case "StateExited":
      return {
        type: `${event.state.type}StateExited`,
        timestamp,
        details: { name: event.state.name, output: json.of(event.state.output ?? null).text },
      };
    case "StateFailed":
      if (event.state.type !== "Task") return undefined;
      return {
        type: "TaskFailed",
        timestamp,
        details: { resourceType: "lambda", resource: "invoke", error: event.Error, cause: causeText(event.Cause) },
      };
    default:
      // Execution start/end are recorded by the store itself; branch and retry bookkeeping has no
      // history event of its own on AWS (a retry shows as the task failing and running again).
      return undefined;
  }
}

export function causeText(cause: unknown): string {
  if (typeof cause === "string") return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}
