/**
 * Executions rendered as Step Functions writes them to CloudWatch Logs (AWS Step Functions Developer
 * Guide, "Logging in CloudWatch Logs", https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html,
 * and "Log levels", https://docs.aws.amazon.com/step-functions/latest/dg/cloudwatch-log-level.html).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExecutionStore } from "../../../local/aws/execution-store.ts";
import {
  executionLogSource,
  expressLogStreamName,
  isLogged,
  logRecord,
  withoutExecutionData,
} from "../../../local/workflows/execution-log-records.ts";

const MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:local-upstream";
const ARN = "arn:aws:states:us-east-1:000000000000:express:local-upstream:uplink-1:7f3c";
const START = new Date("2026-01-02T03:04:59.500Z");
const at = (ms: number) => new Date(START.getTime() + ms);

let dataDir: string;
let store: ExecutionStore;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "execution-logs-"));
  store = new ExecutionStore({ dataDir });
});
afterEach(async () => {
  await store.flush();
  await rm(dataDir, { recursive: true, force: true });
});

/** The shape of the upstream workflow failing on a garbage message. */
function failedExecution(executionArn = ARN, offset = 0) {
  store.started({ executionArn, stateMachineArn: MACHINE, name: "uplink-1", input: '{"a":1}', startDate: at(offset) });
  const events = [
    { type: "TaskStateEntered", details: { name: "EnsureThing", input: '{"a":1}' } },
    {
      type: "TaskFailed",
      details: { resourceType: "lambda", resource: "invoke", error: "InvalidTtsMessage", cause: "not JSON" },
    },
    { type: "TaskStateExited", details: { name: "EnsureThing", output: '{"error":"x"}' } },
    { type: "FailStateEntered", details: { name: "Failed", input: '{"error":"x"}' } },
  ];
  for (const [index, event] of events.entries()) {
    store.appendEvent(executionArn, { ...event, timestamp: at(offset + 100 * (index + 1)) });
  }
  store.finished(executionArn, { status: "FAILED", error: "InvalidTtsMessage", cause: "not JSON" }, at(offset + 600));
  return store.get(executionArn)!;
}

describe("log records", () => {
  it("have the fields and format of AWS's Express log events", () => {
    // AWS's sample (ExecutionStarted of an Express execution): every number a string, input with
    // inputDetails.truncated, the state machine's role, the execution's express ARN, redrive_count.
    const execution = failedExecution();
    const roleArn = "arn:aws:iam::000000000000:role/local-upstream-sfn";
    const record = logRecord(execution, execution.events[0]!, { includeExecutionData: true, roleArn });
    expect(JSON.stringify(record)).toBe(
      JSON.stringify({
        id: "1",
        type: "ExecutionStarted",
        details: { input: '{"a":1}', inputDetails: { truncated: false }, roleArn },
        previous_event_id: "0",
        event_timestamp: String(START.getTime()),
        execution_arn: ARN,
        redrive_count: "0",
      }),
    );
    const exited = logRecord(execution, execution.events[3]!, { includeExecutionData: true });
    expect(exited).toMatchObject({
      id: "4",
      type: "TaskStateExited",
      details: { name: "EnsureThing", output: '{"error":"x"}', outputDetails: { truncated: false } },
      previous_event_id: "3",
    });
    expect(logRecord(execution, execution.events.at(-1)!, { includeExecutionData: true }).details).toEqual({
      cause: "not JSON",
      error: "InvalidTtsMessage",
    });
  });

  it("leave input and output out without execution data, and keep names, errors and causes", () => {
    // LoggingConfiguration.includeExecutionData: "When set to false, data is excluded."
    const execution = failedExecution();
    const records = execution.events.map((event) => logRecord(execution, event, { includeExecutionData: false }));
    expect(records.map((record) => record["details"])).toEqual([
      {},
      { name: "EnsureThing" },
      { cause: "not JSON", error: "InvalidTtsMessage", resource: "invoke", resourceType: "lambda" },
      { name: "EnsureThing" },
      { name: "Failed" },
      { cause: "not JSON", error: "InvalidTtsMessage" },
    ]);
    // What the cost benchmark strips from records logged with data: the same details.
    const withData = execution.events.map((event) => logRecord(execution, event, { includeExecutionData: true }));
    expect(withData.map((record) => withoutExecutionData(record["details"] as Record<string, unknown>))).toEqual(
      records.map((record) => record["details"]),
    );
  });

  it("pass on the store's truncation marks as AWS writes them", () => {
    // "CloudWatch Logs payloads": a truncated payload shows in inputDetails / outputDetails.
    store.started({ executionArn: ARN, stateMachineArn: MACHINE, name: "n", input: "{}" });
    store.appendEvent(ARN, {
      type: "TaskStateEntered",
      details: { name: "EnsureThing", input: '{"big":"', inputDetails: { truncated: true } },
    });
    const execution = store.get(ARN)!;
    expect(logRecord(execution, execution.events[1]!, { includeExecutionData: true }).details).toEqual({
      input: '{"big":"',
      inputDetails: { truncated: true },
      name: "EnsureThing",
    });
  });
});

describe("log levels", () => {
  it.each([
    // The "Log levels" table, for the event types our workflows produce and a few more.
    ["ExecutionStarted", [true, false, false, false]],
    ["ExecutionSucceeded", [true, false, false, false]],
    ["ExecutionFailed", [true, true, true, false]],
    ["ExecutionTimedOut", [true, true, true, false]],
    ["ExecutionAborted", [true, true, true, false]],
    ["FailStateEntered", [true, true, false, false]],
    ["TaskFailed", [true, true, false, false]],
    ["TaskTimedOut", [true, true, false, false]],
    ["TaskStateEntered", [true, false, false, false]],
    ["TaskStateExited", [true, false, false, false]],
    ["ChoiceStateEntered", [true, false, false, false]],
    ["WaitStateExited", [true, false, false, false]],
    ["LambdaFunctionFailed", [true, true, false, false]],
    ["ParallelStateFailed", [true, true, false, false]],
  ] as const)("%s is logged at ALL, ERROR, FATAL, OFF: %j", (type, expected) => {
    expect((["ALL", "ERROR", "FATAL", "OFF"] as const).map((level) => isLogged(type, level))).toEqual(expected);
  });
});

describe("the log groups", () => {
  const machines = () => [{ name: "local-upstream", stateMachineArn: MACHINE, creationDate: START }];

  it("are the state machines' /aws/vendedlogs/states/<name> groups with their executions' events, oldest first", () => {
    failedExecution(`${ARN}-b`, 50);
    failedExecution(ARN, 0);
    const source = executionLogSource({
      store,
      stateMachines: machines,
      logging: { level: "ALL", includeExecutionData: true },
    });
    const [group] = source.groups();
    expect(group?.logGroupName).toBe("/aws/vendedlogs/states/local-upstream");
    const events = group!.events();
    expect(events).toHaveLength(12);
    expect(events.map((event) => event.timestamp)).toEqual([...events.map((event) => event.timestamp)].sort());
    expect(events[0]).toMatchObject({
      logStreamName: "states/local-upstream/2026-01-02-03-04/00000000",
      timestamp: START.getTime(),
    });
    // A new stream each minute, as Express logs are delivered.
    expect(events.at(-1)?.logStreamName).toBe("states/local-upstream/2026-01-02-03-05/00000000");
    expect(new Set(events.map((event) => event.eventId)).size).toBe(12);
    expect(events.every((event) => /^\d+$/.test(event.eventId))).toBe(true);
    expect(JSON.parse(events[0]!.message)).toMatchObject({
      type: "ExecutionStarted",
      details: { roleArn: "arn:aws:iam::000000000000:role/local-upstream-sfn" },
    });
  });

  it("hold what the level logs: ERROR the failures, FATAL the execution's end, OFF nothing", () => {
    failedExecution();
    const types = (level: "ERROR" | "FATAL" | "OFF") =>
      executionLogSource({ store, stateMachines: machines, logging: { level, includeExecutionData: true } })
        .groups()[0]!
        .events()
        .map((event) => (JSON.parse(event.message) as { type: string }).type);
    expect(types("ERROR")).toEqual(["TaskFailed", "FailStateEntered", "ExecutionFailed"]);
    expect(types("FATAL")).toEqual(["ExecutionFailed"]);
    expect(types("OFF")).toEqual([]);
  });

  it("show an execution's new events on the next read", () => {
    store.started({ executionArn: ARN, stateMachineArn: MACHINE, name: "n", input: "{}", startDate: START });
    const source = executionLogSource({
      store,
      stateMachines: machines,
      logging: { level: "ALL", includeExecutionData: true },
    });
    expect(source.groups()[0]!.events()).toHaveLength(1);
    store.finished(ARN, { status: "SUCCEEDED", output: "{}" }, at(10));
    expect(
      source
        .groups()[0]!
        .events()
        .map((event) => JSON.parse(event.message).type),
    ).toEqual(["ExecutionStarted", "ExecutionSucceeded"]);
  });

  it("names Express log streams by minute", () => {
    expect(expressLogStreamName("m", Date.parse("2024-04-24T11:50:59.999Z"))).toBe(
      "states/m/2024-04-24-11-50/00000000",
    );
  });
});
