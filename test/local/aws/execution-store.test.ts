import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExecutionAlreadyFinishedError, ExecutionStore } from "../../../local/aws/execution-store.ts";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../../../local/aws/local-account.ts";
import { makeDataDir, removeDataDir } from "./endpoint-fixture.ts";

const MACHINE = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:upstream`;
const OTHER_MACHINE = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:downlink`;
const arn = (name: string, machine = "upstream") =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:express:${machine}:${name}`;

let dataDir: string;
beforeEach(async () => {
  dataDir = await makeDataDir();
});
afterEach(async () => {
  await removeDataDir(dataDir);
});

function start(store: ExecutionStore, name: string, startDate: Date, machine = MACHINE) {
  return store.started({
    executionArn: arn(name, machine.split(":").at(-1)),
    stateMachineArn: machine,
    name,
    input: `{"n":"${name}"}`,
    startDate,
  });
}

describe("ExecutionStore", () => {
  it("records an execution's life as numbered history events", () => {
    const store = new ExecutionStore({ dataDir });
    start(store, "e1", new Date(1000));
    expect(
      store.appendEvent(arn("e1"), { type: "TaskStateEntered", details: { name: "EnsureThing", input: "{}" } }),
    ).toBe(2);
    expect(
      store.appendEvent(arn("e1"), { type: "TaskStateExited", details: { name: "EnsureThing", output: "{}" } }),
    ).toBe(3);
    expect(store.finished(arn("e1"), { status: "SUCCEEDED", output: '{"ok":true}' }, new Date(5000))).toBe(true);

    const execution = store.get(arn("e1"));
    expect(execution).toMatchObject({ status: "SUCCEEDED", output: '{"ok":true}', stopDate: new Date(5000) });
    expect(execution?.events.map((event) => [event.id, event.previousEventId, event.type])).toEqual([
      [1, 0, "ExecutionStarted"],
      [2, 1, "TaskStateEntered"],
      [3, 2, "TaskStateExited"],
      [4, 3, "ExecutionSucceeded"],
    ]);
    expect(execution?.events[0]?.details).toEqual({ input: '{"n":"e1"}' });
    expect(execution?.events[3]?.details).toEqual({ output: '{"ok":true}' });
  });

  it("records failures with error and cause", () => {
    const store = new ExecutionStore({ dataDir });
    start(store, "e1", new Date(1000));
    store.finished(arn("e1"), { status: "FAILED", error: "DownlinkRejected", cause: "FPort 0" });
    expect(store.get(arn("e1"))).toMatchObject({ status: "FAILED", error: "DownlinkRejected", cause: "FPort 0" });
    expect(store.get(arn("e1"))?.events.at(-1)).toMatchObject({
      type: "ExecutionFailed",
      details: { error: "DownlinkRejected", cause: "FPort 0" },
    });
  });

  it("refuses to start the same execution twice and to finish one twice", () => {
    const store = new ExecutionStore({ dataDir });
    start(store, "e1", new Date(1000));
    expect(() => start(store, "e1", new Date(1000))).toThrow(
      expect.objectContaining({ code: "ExecutionAlreadyExists" }),
    );
    store.finished(arn("e1"), { status: "ABORTED" });
    expect(() => store.finished(arn("e1"), { status: "ABORTED" })).toThrow(ExecutionAlreadyFinishedError);
  });

  it("reports unknown executions to the runtime without throwing", () => {
    const store = new ExecutionStore({ dataDir });
    expect(store.appendEvent(arn("nope"), { type: "TaskStateEntered" })).toBeUndefined();
    expect(store.finished(arn("nope"), { status: "SUCCEEDED", output: "{}" })).toBe(false);
  });

  it("lists newest first, filtered by state machine and status", () => {
    const store = new ExecutionStore({ dataDir });
    start(store, "old", new Date(1000));
    start(store, "new", new Date(3000));
    start(store, "middle", new Date(2000));
    start(store, "elsewhere", new Date(4000), OTHER_MACHINE);
    store.finished(arn("middle"), { status: "SUCCEEDED", output: "{}" });

    expect(store.list({ stateMachineArn: MACHINE }).map((execution) => execution.name)).toEqual([
      "new",
      "middle",
      "old",
    ]);
    expect(
      store.list({ stateMachineArn: MACHINE, statusFilter: "RUNNING" }).map((execution) => execution.name),
    ).toEqual(["new", "old"]);
    expect(store.list().map((execution) => execution.name)).toEqual(["elsewhere", "new", "middle", "old"]);
  });

  it("keeps only the newest executions, dropping finished ones first", () => {
    const store = new ExecutionStore({ dataDir, maxExecutions: 3 });
    start(store, "e1", new Date(1000));
    start(store, "e2", new Date(2000));
    store.finished(arn("e2"), { status: "SUCCEEDED", output: "{}" });
    start(store, "e3", new Date(3000));
    start(store, "e4", new Date(4000));
    expect(store.size).toBe(3);
    expect(store.get(arn("e2"))).toBeUndefined();
    expect(store.get(arn("e1"))?.status).toBe("RUNNING");

    start(store, "e5", new Date(5000));
    expect(store.list().map((execution) => execution.name)).toEqual(["e5", "e4", "e3"]);
  });

  it("comes back from disk, with runs left RUNNING by the previous process aborted", async () => {
    const first = new ExecutionStore({ dataDir });
    start(first, "done", new Date(1000));
    first.appendEvent(arn("done"), { type: "TaskStateEntered", details: { name: "A" }, timestamp: new Date(1500) });
    first.finished(arn("done"), { status: "SUCCEEDED", output: "{}" }, new Date(2000));
    start(first, "orphan", new Date(3000));
    await first.flush();

    const second = new ExecutionStore({ dataDir });
    const done = second.get(arn("done"));
    expect(done?.startDate).toEqual(new Date(1000));
    expect(done?.events[1]).toEqual({
      id: 2,
      previousEventId: 1,
      timestamp: new Date(1500),
      type: "TaskStateEntered",
      details: { name: "A" },
    });
    expect(second.get(arn("orphan"))).toMatchObject({ status: "ABORTED", error: "States.Runtime" });
  });

  it("applies the bound to what it loads", async () => {
    const first = new ExecutionStore({ dataDir });
    for (let i = 0; i < 5; i++) {
      start(first, `e${i}`, new Date(i * 1000));
      first.finished(arn(`e${i}`), { status: "SUCCEEDED", output: "{}" });
    }
    await first.flush();
    const second = new ExecutionStore({ dataDir, maxExecutions: 2 });
    expect(second.list().map((execution) => execution.name)).toEqual(["e4", "e3"]);
  });

  it("keeps its journal bounded by compacting it, and reloads the newest executions from it", async () => {
    const store = new ExecutionStore({ dataDir, maxExecutions: 10 });
    for (let i = 0; i < 500; i++) {
      start(store, `e${i}`, new Date(1000 + i));
      store.finished(arn(`e${i}`), { status: "SUCCEEDED", output: `{"i":${i}}` });
    }
    await store.flush();
    const lines = readFileSync(join(dataDir, "executions.jsonl"), "utf8").trim().split("\n");
    expect(lines.length).toBeLessThanOrEqual(2 * 10 + 100 + 2);

    const reloaded = new ExecutionStore({ dataDir, maxExecutions: 10 });
    expect(reloaded.list().map((execution) => execution.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `e${499 - i}`),
    );
    expect(reloaded.get(arn("e499"))?.events.map((event) => event.type)).toEqual([
      "ExecutionStarted",
      "ExecutionSucceeded",
    ]);
  });

  it("drops a torn last line left by a crash in the middle of a write", async () => {
    const store = new ExecutionStore({ dataDir });
    start(store, "kept", new Date(1000));
    store.finished(arn("kept"), { status: "SUCCEEDED", output: "{}" });
    await store.flush();
    appendFileSync(join(dataDir, "executions.jsonl"), '{"executionArn":"torn","sta');
    expect(new ExecutionStore({ dataDir }).list().map((execution) => execution.name)).toEqual(["kept"]);
  });

  it("refuses a bound that is not a positive integer", () => {
    expect(() => new ExecutionStore({ dataDir, maxExecutions: 0 })).toThrow(RangeError);
  });
});
