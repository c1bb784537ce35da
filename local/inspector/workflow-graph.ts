/**
 * A workflow's graph, laid out from its ASL for the inspector to draw as SVG: one node per state (those of
 * Parallel branches included, with a join node closing each Parallel), a start and an end node, and the
 * transitions (Next, Choice rules and Default, Catch, branches). Layered top to bottom: each node one layer
 * below the deepest node leading to it, loops (a Wait before trying again) drawn as back edges.
 *
 * Hand-written: no small, well-kept library draws ASL graphs without a build step (the console's own
 * renderer is not published; general layout libraries such as dagre or elkjs are unmaintained or far larger
 * than the few dozen states a workflow has).
 */
import type { State, StateMachineDefinition } from "../../workflows/asl.ts";

export type NodeKind = "start" | "end" | "join" | State["Type"];
export type EdgeKind = "next" | "choice" | "default" | "catch" | "branch" | "join";

export interface GraphNode {
  /** `start`, `end`, `state:<name>` or `join:<Parallel state's name>`. */
  readonly id: string;
  /** The state's name (ASL names are unique within a state machine, branches included), or the label. */
  readonly label: string;
  readonly kind: NodeKind;
  readonly layer: number;
  /** Centre, in SVG units. */
  readonly x: number;
  readonly y: number;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** Goes up (a loop back to an earlier state). */
  readonly back: boolean;
}

export interface WorkflowGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly width: number;
  readonly height: number;
}

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 36;
const GAP_X = 28;
const GAP_Y = 40;
const MARGIN = 20;

export const stateNodeId = (name: string) => `state:${name}`;
const joinNodeId = (name: string) => `join:${name}`;

interface RawNode {
  readonly id: string;
  readonly label: string;
  readonly kind: NodeKind;
}

/** Nodes and edges of a definition, before layout. */
export function graphOf(definition: StateMachineDefinition): { nodes: RawNode[]; edges: Omit<GraphEdge, "back">[] } {
  const nodes: RawNode[] = [{ id: "start", label: "Start", kind: "start" }];
  const edges: Omit<GraphEdge, "back">[] = [{ from: "start", to: stateNodeId(definition.StartAt), kind: "next" }];
  addMachine(definition, "end", nodes, edges);
  nodes.push({ id: "end", label: "End", kind: "end" });
  return { nodes, edges };
}

/** `exit`: where a state with `End: true` goes (the end, or the join of the Parallel it is a branch of). */
function addMachine(
  machine: StateMachineDefinition,
  exit: string,
  nodes: RawNode[],
  edges: Omit<GraphEdge, "back">[],
): void {
  for (const [name, state] of Object.entries(machine.States)) {
    const id = stateNodeId(name);
    nodes.push({ id, label: name, kind: state.Type });
    const after = state.Type === "Parallel" ? joinNodeId(name) : id;
    if (state.Type === "Parallel") {
      for (const branch of state.Branches) {
        edges.push({ from: id, to: stateNodeId(branch.StartAt), kind: "branch" });
        addMachine(branch, joinNodeId(name), nodes, edges);
      }
      nodes.push({ id: after, label: "all branches done", kind: "join" });
    }
    if (state.Type === "Choice") {
      for (const rule of state.Choices) {
        if (rule.Next !== undefined) edges.push({ from: id, to: stateNodeId(rule.Next), kind: "choice" });
      }
      if (state.Default !== undefined) edges.push({ from: id, to: stateNodeId(state.Default), kind: "default" });
    } else if (state.Type === "Succeed") {
      edges.push({ from: id, to: exit, kind: "next" });
    } else if (state.Type !== "Fail") {
      if (state.Next !== undefined) edges.push({ from: after, to: stateNodeId(state.Next), kind: "next" });
      if (state.End === true) edges.push({ from: after, to: exit, kind: exit === "end" ? "next" : "join" });
    }
    if ((state.Type === "Task" || state.Type === "Parallel") && state.Catch !== undefined) {
      for (const catcher of state.Catch) edges.push({ from: id, to: stateNodeId(catcher.Next), kind: "catch" });
    }
  }
}

/** The definition's graph with every node placed. */
export function layoutWorkflow(definition: StateMachineDefinition): WorkflowGraph {
  const { nodes, edges } = graphOf(definition);
  const order = new Map(nodes.map((node, index) => [node.id, index]));
  const back = backEdges(nodes, edges);
  const forward = edges.filter((edge) => !back.has(edge));
  const layer = longestPathLayers(nodes, forward);
  // The end below everything: flows read downwards to it.
  layer.set("end", Math.max(...nodes.filter((node) => node.id !== "end").map((node) => layer.get(node.id)!)) + 1);

  const layers: string[][] = [];
  for (const node of nodes) {
    const index = layer.get(node.id)!;
    layers[index] = [...(layers[index] ?? []), node.id];
  }
  orderLayers(layers, forward, order);

  const widest = Math.max(...layers.map((ids) => ids.length));
  const width = 2 * MARGIN + widest * NODE_WIDTH + (widest - 1) * GAP_X;
  const place = new Map<string, { x: number; y: number }>();
  layers.forEach((ids, index) => {
    const rowWidth = ids.length * NODE_WIDTH + (ids.length - 1) * GAP_X;
    const left = (width - rowWidth) / 2;
    ids.forEach((id, position) => {
      place.set(id, {
        x: left + position * (NODE_WIDTH + GAP_X) + NODE_WIDTH / 2,
        y: MARGIN + index * (NODE_HEIGHT + GAP_Y) + NODE_HEIGHT / 2,
      });
    });
  });
  return {
    nodes: nodes.map((node) => ({ ...node, layer: layer.get(node.id)!, ...place.get(node.id)! })),
    edges: edges.map((edge) => ({ ...edge, back: back.has(edge) })),
    width,
    height: 2 * MARGIN + layers.length * NODE_HEIGHT + (layers.length - 1) * GAP_Y,
  };
}

/** The edges closing a cycle, found depth first from the start in document order. */
function backEdges<E extends { from: string; to: string }>(nodes: readonly RawNode[], edges: readonly E[]): Set<E> {
  const outgoing = new Map<string, E[]>();
  for (const edge of edges) outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  const state = new Map<string, "open" | "done">();
  const back = new Set<E>();
  const visit = (id: string) => {
    state.set(id, "open");
    for (const edge of outgoing.get(id) ?? []) {
      const seen = state.get(edge.to);
      if (seen === "open") back.add(edge);
      else if (seen === undefined) visit(edge.to);
    }
    state.set(id, "done");
  };
  // States nobody reaches (invalid ASL) still get a place.
  for (const node of nodes) if (!state.has(node.id)) visit(node.id);
  return back;
}

function longestPathLayers(
  nodes: readonly RawNode[],
  forward: readonly { from: string; to: string }[],
): Map<string, number> {
  const incoming = new Map<string, string[]>();
  for (const edge of forward) incoming.set(edge.to, [...(incoming.get(edge.to) ?? []), edge.from]);
  const layer = new Map<string, number>();
  const resolve = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    const depth = Math.max(-1, ...(incoming.get(id) ?? []).map(resolve)) + 1;
    layer.set(id, depth);
    return depth;
  };
  for (const node of nodes) resolve(node.id);
  return layer;
}

/** Within each layer, nodes under the mean position of their parents (barycentre), ties in document order. */
function orderLayers(
  layers: string[][],
  forward: readonly { from: string; to: string }[],
  order: ReadonlyMap<string, number>,
): void {
  const position = new Map<string, number>();
  for (const ids of layers) {
    const centre = (id: string) => {
      const parents = forward.filter((edge) => edge.to === id && position.has(edge.from));
      if (parents.length === 0) return Number.POSITIVE_INFINITY;
      return parents.reduce((sum, edge) => sum + position.get(edge.from)!, 0) / parents.length;
    };
    const keyed = ids.map((id) => ({ id, centre: centre(id) }));
    keyed.sort((a, b) => a.centre - b.centre || order.get(a.id)! - order.get(b.id)!);
    ids.splice(0, ids.length, ...keyed.map(({ id }) => id));
    ids.forEach((id, index) => {
      position.set(id, index - (ids.length - 1) / 2);
    });
  }
}
