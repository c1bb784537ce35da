import { describe, expect, it } from "vitest";
import type { ExecutionRecord } from "../../../local/aws/execution-store.ts";
import { type ExecutionRow, ExecutionRows, MAX_PAGE_SIZE, pageOf } from "../../../local/inspector/execution-rows.ts";

const row = (index: number, overrides: Partial<ExecutionRow> = {}): ExecutionRow => ({
  executionArn: `arn:${index}`,
  name: `uplink-${index}`,
  workflow: "upstream",
  event: "uplink",
  startTime: 1_000_000 - index,
  status: "SUCCEEDED",
  thing: `thing-${index % 3}`,
  ...overrides,
});

const rows = [
  ...Array.from({ length: 120 }, (_, index) => row(index)),
  row(200, {
    workflow: "downlink",
    event: "downlink-request",
    status: "FAILED",
    error: "TtsUnavailable",
    cause: "TTS answered 503",
  }),
];

describe("pageOf", () => {
  it("pages over the matching rows, in the order given", () => {
    const page = pageOf(rows, {}, 50, 50);
    expect(page.total).toBe(121);
    expect(page.offset).toBe(50);
    expect(page.rows.map((r) => r.name)).toEqual(rows.slice(50, 100).map((r) => r.name));
    expect(pageOf(rows, {}, 120, 50).rows).toHaveLength(1);
  });

  it("keeps an offset past the end and a huge limit within bounds", () => {
    expect(pageOf(rows, {}, 10_000, 50)).toMatchObject({ offset: 121, rows: [] });
    expect(pageOf(rows, {}, 0, 100_000).rows).toHaveLength(Math.min(MAX_PAGE_SIZE, rows.length));
  });

  it("filters by workflow, status and thing, all given ones at once", () => {
    expect(pageOf(rows, { workflow: "downlink" }, 0, 50).total).toBe(1);
    expect(pageOf(rows, { status: "FAILED" }, 0, 50).rows[0]!.name).toBe("uplink-200");
    expect(pageOf(rows, { thing: "thing-1" }, 0, 50).total).toBe(40);
    expect(pageOf(rows, { thing: "thing-1", status: "FAILED" }, 0, 50).total).toBe(0);
  });

  it("finds text in the error and cause, case-insensitively", () => {
    expect(pageOf(rows, { text: "answered 503" }, 0, 50).total).toBe(1);
    expect(pageOf(rows, { text: "ttsunavailable" }, 0, 50).total).toBe(1);
    expect(pageOf(rows, { text: "  " }, 0, 50).total).toBe(121);
  });
});

describe("ExecutionRows", () => {
  const record = (index: number): ExecutionRecord => ({
    executionArn: `arn:aws:states:us-east-1:000000000000:express:e2e-upstream:uplink-${index}:run`,
    stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:e2e-upstream",
    name: `uplink-${index}`,
    status: "SUCCEEDED",
    startDate: new Date(1_000_000 + index),
    stopDate: new Date(1_000_010 + index),
    input: "{}",
    output: "{}",
    events: [
      {
        id: 1,
        previousEventId: 0,
        timestamp: new Date(1_000_000 + index),
        type: "ExecutionStarted",
        details: { input: "{}" },
      },
      {
        id: 2,
        previousEventId: 1,
        timestamp: new Date(1_000_010 + index),
        type: "ExecutionSucceeded",
        details: { output: "{}" },
      },
    ],
  });
  const executions = [record(1), record(2), record(3)];

  it("summarises a finished execution once, and opening one keeps the others' rows", () => {
    const rows = new ExecutionRows(() => "upstream", ["uplink"]);
    const first = rows.rows(executions);
    expect(first.map((row) => row.name)).toEqual(["uplink-1", "uplink-2", "uplink-3"]);
    expect(rows.row(executions[1]!)).toBe(first[1]);
    // The same objects: nothing was summarised again.
    expect(rows.rows(executions)).toEqual(first);
    for (const [index, row] of rows.rows(executions).entries()) expect(row).toBe(first[index]);
    expect(new ExecutionRows(() => undefined, []).row(executions[0]!)).toBeUndefined();
  });
});
