import { describe, expect, it } from "vitest";
import type { HistoryEvent } from "../../../local/aws/history-events.ts";
import { executionPath } from "../../../local/inspector/execution-path.ts";
import { layoutWorkflow } from "../../../local/inspector/workflow-graph.ts";
import { localFunctionArn } from "../../../local/workflows/task-overrides.ts";
import { WORKFLOWS } from "../../../workflows/catalogue.ts";

const graph = layoutWorkflow(WORKFLOWS.upstream.definition(localFunctionArn, { stackName: "test" }));

function history(...events: [string, Record<string, unknown>?][]): HistoryEvent[] {
  return events.map(([type, details], index) => ({
    id: index + 1,
    previousEventId: index,
    timestamp: new Date(1_000 + index),
    type,
    ...(details === undefined ? {} : { details }),
  }));
}

const takenEdges = (taken: readonly number[]) =>
  taken.map((index) => `${graph.edges[index]!.from}→${graph.edges[index]!.to}`);

describe("executionPath", () => {
  it("follows a succeeded execution through the Parallel's branches to the end", () => {
    const path = executionPath(
      history(
        ["ExecutionStarted", { input: "{}" }],
        ["TaskStateEntered", { name: "EnsureThing", input: '{"a":1}' }],
        ["TaskStateExited", { name: "EnsureThing", output: '{"a":2}' }],
        ["ParallelStateEntered", { name: "UpdateShadowAndRepublish", input: "{}" }],
        ["TaskStateEntered", { name: "UpdateShadow", input: "{}" }],
        ["TaskStateEntered", { name: "Republish", input: "{}" }],
        ["TaskStateExited", { name: "Republish", output: "{}" }],
        ["TaskStateExited", { name: "UpdateShadow", output: "{}" }],
        ["ParallelStateExited", { name: "UpdateShadowAndRepublish", output: "{}" }],
        ["ExecutionSucceeded", { output: "{}" }],
      ),
      "SUCCEEDED",
      graph,
    );
    expect(path.runs.map((run) => [run.name, run.outcome])).toEqual([
      ["EnsureThing", "succeeded"],
      ["UpdateShadowAndRepublish", "succeeded"],
      ["UpdateShadow", "succeeded"],
      ["Republish", "succeeded"],
    ]);
    expect(path.runs[0]).toMatchObject({ input: '{"a":1}', output: '{"a":2}', retries: 0 });
    expect(path.visited).toContain("join:UpdateShadowAndRepublish");
    expect(path.visited).toContain("end");
    expect(path.visited).not.toContain("state:Failed");
    expect(takenEdges(path.taken)).toEqual([
      "start→state:EnsureThing",
      "state:EnsureThing→state:UpdateShadowAndRepublish",
      "state:UpdateShadowAndRepublish→state:UpdateShadow",
      "state:UpdateShadow→join:UpdateShadowAndRepublish",
      "state:UpdateShadowAndRepublish→state:Republish",
      "state:Republish→join:UpdateShadowAndRepublish",
      "join:UpdateShadowAndRepublish→end",
    ]);
    expect(path.failedNode).toBeUndefined();
  });

  it("counts failed attempts followed by success as retries", () => {
    const path = executionPath(
      history(
        ["TaskStateEntered", { name: "EnsureThing", input: "{}" }],
        ["TaskFailed", { error: "TransientAwsError", cause: "throttled" }],
        ["TaskFailed", { error: "TransientAwsError", cause: "throttled" }],
        ["TaskStateExited", { name: "EnsureThing", output: "{}" }],
        ["ParallelStateEntered", { name: "UpdateShadowAndRepublish", input: "{}" }],
      ),
      "RUNNING",
      graph,
    );
    expect(path.runs[0]).toMatchObject({ outcome: "succeeded", retries: 2 });
    expect(path.runs[0]!.error).toBeUndefined();
  });

  it("marks a caught task, the catch transition taken and the Fail state as where it failed", () => {
    const path = executionPath(
      history(
        ["TaskStateEntered", { name: "EnsureThing", input: "{}" }],
        ["TaskFailed", { error: "InvalidTtsMessage", cause: "payload is not UTF-8 JSON" }],
        ["TaskStateExited", { name: "EnsureThing", output: '{"error":{}}' }],
        ["FailStateEntered", { name: "Failed", input: '{"error":{}}' }],
        ["ExecutionFailed", { error: "InvalidTtsMessage", cause: "payload is not UTF-8 JSON" }],
      ),
      "FAILED",
      graph,
    );
    expect(path.runs[0]).toMatchObject({
      outcome: "caught",
      retries: 0,
      error: "InvalidTtsMessage",
      cause: "payload is not UTF-8 JSON",
    });
    expect(path.failedNode).toBe("state:Failed");
    expect(takenEdges(path.taken)).toEqual(["start→state:EnsureThing", "state:EnsureThing→state:Failed"]);
  });

  it("marks a task that never ended in a finished execution as failed (a timeout, a data limit)", () => {
    const path = executionPath(
      history(
        ["TaskStateEntered", { name: "EnsureThing", input: "{}" }],
        ["ExecutionFailed", { error: "States.Timeout" }],
      ),
      "TIMED_OUT",
      graph,
    );
    expect(path.runs[0]!.outcome).toBe("failed");
    expect(path.failedNode).toBe("state:EnsureThing");
  });
});
