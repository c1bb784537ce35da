/**
 * Executions rebuilt from Step Functions' log records, in the form the AWS Step Functions Developer Guide,
 * "Logging in CloudWatch Logs" documents (`id`, `type`, `details`, `previous_event_id`, `event_timestamp`
 * and `execution_arn`, numbers as strings) — the form local/workflows/execution-log-records.ts writes.
 */
import { describe, expect, it } from "vitest";
import {
  eventOf,
  executionName,
  type LogRecord,
  parseLogRecord,
  summarise,
} from "../../operate/executions/execution-summary.ts";
import { executionTable, historyLines, listFilters, matches } from "../../operate/executions/executions-command.ts";
import { UsageError } from "../../operate/usage-error.ts";
import { executionNamePrefixes } from "../../workflows/catalogue.ts";

const ARN = "arn:aws:states:eu-west-1:123456789012:express:prod-downlink:downlink-request-5b7a:0e9c";
const PREFIXES = executionNamePrefixes("prod");
const T0 = Date.UTC(2026, 10, 30, 4, 0, 0);
const request = Buffer.from(JSON.stringify({ thingName: "SENSOR-1", bytes: "AQ==" })).toString("base64");

function record(id: number, type: string, offsetMs: number, details: Record<string, unknown> = {}, arn = ARN) {
  return JSON.stringify({
    id: String(id),
    type,
    details,
    previous_event_id: String(id - 1),
    event_timestamp: String(T0 + offsetMs),
    execution_arn: arn,
    redrive_count: "0",
  });
}

function parsed(...messages: string[]): LogRecord[] {
  return messages.map((message) => parseLogRecord(message)!);
}

describe("summarise", () => {
  it("at level ALL: start, end, duration, thing from the request, error and cause", () => {
    const records = parsed(
      record(3, "ExecutionFailed", 120, { error: "thing_not_found", cause: "no thing SENSOR-1" }),
      record(1, "ExecutionStarted", 0, { input: JSON.stringify({ payload: request, topic: "lorawan/downlink" }) }),
      record(2, "TaskStateEntered", 5, { name: "ParseRequest", input: "{}" }),
    );
    expect(summarise("downlink", records, PREFIXES)).toEqual([
      {
        executionArn: ARN,
        name: "downlink-request-5b7a",
        workflow: "downlink",
        event: "downlink-request",
        startTime: T0,
        durationMs: 120,
        status: "FAILED",
        thing: "SENSOR-1",
        error: "thing_not_found",
        cause: "no thing SENSOR-1",
      },
    ]);
  });

  it("at level ERROR (no start, no data): the failure alone, without duration or thing", () => {
    const [summary] = summarise(
      "downlink",
      parsed(record(9, "ExecutionFailed", 50, { error: "tts_unavailable" })),
      PREFIXES,
    );
    expect(summary).toEqual({
      executionArn: ARN,
      name: "downlink-request-5b7a",
      workflow: "downlink",
      event: "downlink-request",
      startTime: T0 + 50,
      status: "FAILED",
      error: "tts_unavailable",
    });
  });

  it("takes the thing from a state's output, and says RUNNING until an end is logged", () => {
    const [summary] = summarise(
      "upstream",
      parsed(
        record(1, "ExecutionStarted", 0, {}, ARN.replace("downlink-request", "uplink")),
        record(
          4,
          "TaskStateExited",
          30,
          { name: "EnsureThing", output: '{"device":{"thingName":"0004A30B001C0530"}}' },
          ARN.replace("downlink-request", "uplink"),
        ),
      ),
      PREFIXES,
    );
    expect(summary).toMatchObject({ event: "uplink", status: "RUNNING", thing: "0004A30B001C0530" });
    expect(summary).not.toHaveProperty("durationMs");
  });

  it("falls back to the TTS device id of the uplink when no thing name is logged", () => {
    const uplink = Buffer.from(JSON.stringify({ end_device_ids: { device_id: "dev-7" } })).toString("base64");
    const [summary] = summarise(
      "upstream",
      parsed(record(1, "ExecutionStarted", 0, { input: JSON.stringify({ payload: uplink }) })),
      PREFIXES,
    );
    expect(summary?.thing).toBe("dev-7");
  });

  it("keeps executions apart and ignores lines that are not records", () => {
    expect(parseLogRecord("START RequestId: 1")).toBeUndefined();
    expect(parseLogRecord('{"message":"not a record"}')).toBeUndefined();
    const other = ARN.replace("5b7a", "9999");
    const summaries = summarise(
      "downlink",
      parsed(
        record(1, "ExecutionStarted", 0),
        record(1, "ExecutionStarted", 10, {}, other),
        record(2, "ExecutionSucceeded", 20, {}, other),
      ),
      PREFIXES,
    );
    expect(summaries.map((summary) => [summary.name, summary.status])).toEqual([
      ["downlink-request-5b7a", "RUNNING"],
      ["downlink-request-9999", "SUCCEEDED"],
    ]);
  });
});

describe("names", () => {
  it("reads the execution name from Express and Standard ARNs", () => {
    expect(executionName(ARN)).toBe("downlink-request-5b7a");
    expect(executionName("arn:aws:states:eu-west-1:1:execution:prod-upstream:uplink-1")).toBe("uplink-1");
  });

  it("names the event by the longest rule prefix, replays included", () => {
    expect(eventOf("downlink-request-replay-77", PREFIXES)).toBe("downlink-request");
    expect(eventOf("downlink-ack-0e9c", PREFIXES)).toBe("downlink-ack");
    expect(eventOf("by-hand", PREFIXES)).toBe("by-hand");
    // Provisioning's executions, whether or not a given configuration turns it on.
    expect(eventOf("thing-created-4f1d", PREFIXES)).toBe("thing-created");
    expect(eventOf("thing-deleted-4f1d", PREFIXES)).toBe("thing-deleted");
  });
});

describe("output", () => {
  const [summary] = summarise(
    "downlink",
    parsed(
      record(1, "ExecutionStarted", 0, { input: '{"payload":"e30="}' }),
      record(2, "ExecutionFailed", 1500, { error: "thing_not_found", cause: "no thing\n  SENSOR-1" }),
    ),
    PREFIXES,
  );

  it("prints one aligned row per execution", () => {
    expect(executionTable([summary!])).toEqual([
      "TIME                     WORKFLOW  EVENT             THING  STATUS  DURATION  ERROR",
      "2026-11-30 04:00:00.000  downlink  downlink-request  -      FAILED  1.5s      thing_not_found: no thing SENSOR-1",
    ]);
  });

  it("prints the history event by event with offsets and data", () => {
    const records = parsed(
      record(1, "ExecutionStarted", 0, { input: '{"payload":"e30="}' }),
      record(2, "ExecutionFailed", 1500, { error: "thing_not_found", cause: "no thing" }),
    );
    expect(historyLines(summary!, records).slice(-6)).toEqual([
      "  1  +0ms     ExecutionStarted",
      '       input: {"payload":"e30="}',
      "       message (payload decoded): {}",
      "  2  +1.5s    ExecutionFailed",
      "       error: thing_not_found",
      "       cause: no thing",
    ]);
  });
});

describe("listFilters", () => {
  it("reads status (any case), thing, since and limit", () => {
    const filters = listFilters({ values: { status: "failed", thing: "T1", since: "30m", limit: "5" } });
    expect(filters).toEqual({
      status: "FAILED",
      thing: "T1",
      sinceMs: 1_800_000,
      limit: 5,
      follow: false,
      intervalMs: 2000,
    });
    expect(matches(summary("FAILED", "T1"), filters)).toBe(true);
    expect(matches(summary("SUCCEEDED", "T1"), filters)).toBe(false);
    expect(matches(summary("FAILED", "T2"), filters)).toBe(false);
  });

  it.each([{ status: "BROKEN" }, { limit: "0" }, { limit: "ten" }, { since: "1w" }, { interval: "0" }])(
    "refuses %j as a usage error",
    (values) => {
      expect(() => listFilters({ values })).toThrow(UsageError);
    },
  );
});

function summary(status: "FAILED" | "SUCCEEDED", thing: string) {
  return { executionArn: ARN, name: "n", workflow: "downlink" as const, event: "e", startTime: 0, status, thing };
}
