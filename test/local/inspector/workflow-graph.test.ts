import { describe, expect, it } from "vitest";
import {
  layoutWorkflow,
  NODE_HEIGHT,
  NODE_WIDTH,
  type WorkflowGraph,
} from "../../../local/inspector/workflow-graph.ts";
import { localFunctionArn } from "../../../local/workflows/task-overrides.ts";
import type { StateMachineDefinition } from "../../../workflows/asl.ts";
import { WORKFLOWS } from "../../../workflows/catalogue.ts";

const task = (next: string | undefined, extra: object = {}) => ({
  Type: "Task" as const,
  Resource: "arn:aws:states:::lambda:invoke",
  ...(next === undefined ? { End: true as const } : { Next: next }),
  ...extra,
});

const edge = (graph: WorkflowGraph, from: string, to: string) =>
  graph.edges.find((candidate) => candidate.from === from && candidate.to === to);
const node = (graph: WorkflowGraph, id: string) => graph.nodes.find((candidate) => candidate.id === id)!;

describe("layoutWorkflow", () => {
  it("puts each state below every state leading to it, start first and end last", () => {
    const definition: StateMachineDefinition = {
      StartAt: "A",
      States: { A: task("B"), B: task("C"), C: task(undefined) },
    };
    const graph = layoutWorkflow(definition);
    expect(graph.nodes.map((n) => [n.id, n.layer])).toEqual([
      ["start", 0],
      ["state:A", 1],
      ["state:B", 2],
      ["state:C", 3],
      ["end", 4],
    ]);
    expect(graph.edges.map((e) => `${e.from}→${e.to}`)).toEqual([
      "start→state:A",
      "state:A→state:B",
      "state:B→state:C",
      "state:C→end",
    ]);
  });

  it("draws Choice rules, Default and Catch, and a Parallel's branches between it and its join", () => {
    const definition: StateMachineDefinition = {
      StartAt: "Check",
      States: {
        Check: {
          Type: "Choice",
          Choices: [{ Variable: "$.ok", BooleanEquals: true, Next: "Both" }],
          Default: "Failed",
        },
        Both: {
          Type: "Parallel",
          Branches: [
            { StartAt: "Left", States: { Left: task(undefined) } },
            { StartAt: "Right", States: { Right: task(undefined) } },
          ],
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Failed" }],
          End: true,
        },
        Failed: { Type: "Fail" },
      },
    };
    const graph = layoutWorkflow(definition);
    expect(edge(graph, "state:Check", "state:Both")?.kind).toBe("choice");
    expect(edge(graph, "state:Check", "state:Failed")?.kind).toBe("default");
    expect(edge(graph, "state:Both", "state:Failed")?.kind).toBe("catch");
    expect(edge(graph, "state:Both", "state:Left")?.kind).toBe("branch");
    expect(edge(graph, "state:Right", "join:Both")?.kind).toBe("join");
    expect(edge(graph, "join:Both", "end")?.kind).toBe("next");
    // The failure state has no way out.
    expect(graph.edges.filter((e) => e.from === "state:Failed")).toEqual([]);
    // Branches side by side, on the same layer, without overlapping.
    const [left, right] = [node(graph, "state:Left"), node(graph, "state:Right")];
    expect(left.layer).toBe(right.layer);
    expect(Math.abs(left.x - right.x)).toBeGreaterThanOrEqual(NODE_WIDTH);
    expect(node(graph, "join:Both").layer).toBeGreaterThan(left.layer);
  });

  it("lays a loop out top to bottom, its closing edge marked as going back", () => {
    const definition: StateMachineDefinition = {
      StartAt: "Try",
      States: {
        Try: task("Done?"),
        "Done?": {
          Type: "Choice",
          Choices: [{ Variable: "$.done", BooleanEquals: false, Next: "Wait" }],
          Default: "Ok",
        },
        Wait: { Type: "Wait", Seconds: 1, Next: "Try" },
        Ok: { Type: "Succeed" },
      },
    };
    const graph = layoutWorkflow(definition);
    expect(edge(graph, "state:Wait", "state:Try")?.back).toBe(true);
    expect(graph.edges.filter((e) => e.back)).toHaveLength(1);
    expect(node(graph, "state:Wait").layer).toBeGreaterThan(node(graph, "state:Try").layer);
    expect(edge(graph, "state:Ok", "end")).toBeDefined();
  });

  it.each(Object.keys(WORKFLOWS) as (keyof typeof WORKFLOWS)[])(
    "places every state of the %s workflow inside the drawing, no two on one spot",
    (name) => {
      const graph = layoutWorkflow(WORKFLOWS[name].definition(localFunctionArn, { stackName: "test" }));
      for (const n of graph.nodes) {
        expect(n.x - NODE_WIDTH / 2).toBeGreaterThanOrEqual(0);
        expect(n.x + NODE_WIDTH / 2).toBeLessThanOrEqual(graph.width);
        expect(n.y - NODE_HEIGHT / 2).toBeGreaterThanOrEqual(0);
        expect(n.y + NODE_HEIGHT / 2).toBeLessThanOrEqual(graph.height);
      }
      const spots = new Set(graph.nodes.map((n) => `${n.x},${n.y}`));
      expect(spots.size).toBe(graph.nodes.length);
      // Every edge joins two drawn nodes.
      const ids = new Set(graph.nodes.map((n) => n.id));
      for (const e of graph.edges) expect(ids.has(e.from) && ids.has(e.to), `${e.from}→${e.to}`).toBe(true);
    },
  );
});
