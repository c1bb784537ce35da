import { appendFileSync, mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ExecutionAlreadyFinishedError, ExecutionStore } from "../../../local/aws/execution-store.ts";
import { HISTORY_DATA_LIMIT_BYTES } from "../../../local/aws/history-data.ts";
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

const journal = () => join(dataDir, "executions.jsonl");

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
    const pad = "p".repeat(10_000);
    for (let i = 0; i < 500; i++) {
      start(store, `e${i}`, new Date(1000 + i));
      store.finished(arn(`e${i}`), { status: "SUCCEEDED", output: `{"i":${i},"pad":"${pad}"}` });
    }
    await store.flush();
    // ~10 MB were journaled; at most twice the kept executions (plus 1 MiB of slack) stay on disk.
    expect(statSync(journal()).size).toBeLessThanOrEqual(2 * store.bytes + 1024 * 1024);
    expect(readdirSync(dataDir)).toEqual(["executions.jsonl"]);

    const reloaded = new ExecutionStore({ dataDir, maxExecutions: 10 });
    expect(reloaded.list().map((execution) => execution.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `e${499 - i}`),
    );
    expect(reloaded.get(arn("e499"))?.events.map((event) => event.type)).toEqual([
      "ExecutionStarted",
      "ExecutionSucceeded",
    ]);
  });

  it("keeps what is recorded while a compaction is under way", async () => {
    const store = new ExecutionStore({ dataDir, maxExecutions: 20, writeDelayMs: 1 });
    const pad = "p".repeat(100_000);
    for (let i = 0; i < 40; i++) {
      start(store, `e${i}`, new Date(1000 + i));
      store.finished(arn(`e${i}`), { status: "SUCCEEDED", output: `"${pad}${i}"` });
    }
    await store.flush();
    const reloaded = new ExecutionStore({ dataDir, maxExecutions: 20 });
    expect(reloaded.list().map((execution) => execution.name)).toEqual(
      Array.from({ length: 20 }, (_, i) => `e${39 - i}`),
    );
    expect(reloaded.get(arn("e39"))?.output).toBe(`"${pad}39"`);
  });

  it("after a failed compaction waits before the next try, one line on stderr, and keeps recording", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      // The compaction's temp file cannot be created: a directory stands in its way, as a full disk would.
      const inTheWay = `${journal()}.${process.pid}.tmp`;
      mkdirSync(inTheWay);
      const store = new ExecutionStore({ dataDir, maxExecutions: 20, writeDelayMs: 1 });
      const pad = "p".repeat(100_000);
      for (let i = 0; i < 60; i++) {
        start(store, `e${i}`, new Date(1000 + i));
        store.finished(arn(`e${i}`), { status: "SUCCEEDED", output: `"${pad}${i}"` });
        await store.flush();
      }
      // Due again at every later append, but tried once: the next try waits 30 s.
      expect(errors.mock.calls).toEqual([
        [expect.stringMatching(/^Could not compact .*executions\.jsonl \(.*EISDIR.*\); .* next try in 30 s$/)],
      ]);
      rmdirSync(inTheWay);
      const reloaded = new ExecutionStore({ dataDir, maxExecutions: 20 });
      expect(reloaded.list().map((execution) => execution.name)).toEqual(
        Array.from({ length: 20 }, (_, i) => `e${59 - i}`),
      );
    } finally {
      errors.mockRestore();
    }
  });

  it("drops a torn last line left by a crash, and cuts it off before appending, so later starts work", async () => {
    const store = new ExecutionStore({ dataDir });
    start(store, "kept", new Date(1000));
    store.finished(arn("kept"), { status: "SUCCEEDED", output: "{}" });
    await store.flush();
    appendFileSync(journal(), '{"executionArn":"torn","sta');

    const afterCrash = new ExecutionStore({ dataDir });
    expect(afterCrash.list().map((execution) => execution.name)).toEqual(["kept"]);
    start(afterCrash, "next", new Date(2000));
    afterCrash.finished(arn("next"), { status: "SUCCEEDED", output: "{}" });
    await afterCrash.flush();

    expect(new ExecutionStore({ dataDir }).list().map((execution) => execution.name)).toEqual(["next", "kept"]);
  });

  it("writes each distinct input and output of an execution once, however many events carry it", async () => {
    const store = new ExecutionStore({ dataDir });
    const big = JSON.stringify({ payload: "b".repeat(100_000) });
    store.started({ executionArn: arn("e1"), stateMachineArn: MACHINE, name: "e1", input: big });
    for (const state of ["EnsureThing", "UpdateShadow", "Republish"]) {
      // The runner serializes each event's data anew: equal texts, not the same string.
      store.appendEvent(arn("e1"), { type: "TaskStateEntered", details: { name: state, input: `${big} `.trim() } });
      store.appendEvent(arn("e1"), { type: "TaskStateExited", details: { name: state, output: `${big} `.trim() } });
    }
    store.finished(arn("e1"), { status: "SUCCEEDED", output: big });
    await store.flush();
    // Two lines (start, finish), each holding the 100 KB text once.
    expect(statSync(journal()).size).toBeLessThan(2 * big.length + 2_000);

    const reloaded = new ExecutionStore({ dataDir }).get(arn("e1"));
    expect(reloaded?.events).toHaveLength(8);
    expect(reloaded?.events.map((event) => event.details?.["input"] ?? event.details?.["output"])).toEqual(
      Array(8).fill(big),
    );
    expect(reloaded?.events[2]).toMatchObject({ id: 3, previousEventId: 2, details: { name: "EnsureThing" } });
  });

  // Step Functions Developer Guide, "Logging using CloudWatch Logs" (CloudWatch Logs payloads): "If escaped
  // input or escaped output sent to CloudWatch Logs exceeds 248KB, it will be truncated"; API Reference,
  // "HistoryEventExecutionDataDetails": truncated is "true if the data is truncated due to size limits".
  it("truncates an event's data over 248 KB escaped, as Step Functions logs it, with truncated: true", async () => {
    const store = new ExecutionStore({ dataDir });
    const quoted = JSON.stringify({ text: '"'.repeat(130_000) }); // 130 KB that escapes to 260 KB
    const small = '{"ok":true}';
    start(store, "e1", new Date(1000));
    store.appendEvent(arn("e1"), { type: "TaskStateEntered", details: { name: "A", input: quoted } });
    store.appendEvent(arn("e1"), { type: "TaskStateExited", details: { name: "A", output: small } });
    store.finished(arn("e1"), { status: "SUCCEEDED", output: quoted });
    await store.flush();

    for (const execution of [store.get(arn("e1")), new ExecutionStore({ dataDir }).get(arn("e1"))]) {
      const [, entered, exited, succeeded] = execution?.events ?? [];
      expect(entered?.details).toMatchObject({ name: "A", inputDetails: { truncated: true } });
      const cut = entered?.details?.["input"] as string;
      expect(quoted.startsWith(cut)).toBe(true);
      expect(Buffer.byteLength(JSON.stringify(cut)) - 2).toBeLessThanOrEqual(HISTORY_DATA_LIMIT_BYTES);
      expect(Buffer.byteLength(JSON.stringify(cut)) - 2).toBeGreaterThan(HISTORY_DATA_LIMIT_BYTES - 8);
      expect(exited?.details).toEqual({ name: "A", output: small });
      expect(succeeded?.details).toMatchObject({ outputDetails: { truncated: true } });
      // The execution's own output is whole (at most 256 KB, Step Functions' state data limit).
      expect(execution?.output).toBe(quoted);
    }
  });

  it("drops the oldest finished executions beyond its byte budget, never a running one", async () => {
    const store = new ExecutionStore({ dataDir, maxBytes: 1024 * 1024 });
    const output = JSON.stringify("o".repeat(200_000));
    start(store, "running", new Date(500));
    for (let i = 0; i < 10; i++) {
      start(store, `e${i}`, new Date(1000 + i));
      store.finished(arn(`e${i}`), { status: "SUCCEEDED", output });
    }
    expect(store.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(store.list().map((execution) => execution.name)).toEqual(["e9", "e8", "e7", "e6", "e5", "running"]);
    await store.flush();
    const reloaded = new ExecutionStore({ dataDir, maxBytes: 512 * 1024 });
    expect(reloaded.list().map((execution) => execution.name)).toEqual(["e9", "e8", "running"]);
    await reloaded.flush();
  });

  it.each([
    ["[1,2]", "line 1: unexpected shape at the top level"],
    ["{}", "line 1: unexpected shape at executionArn"],
    ['{"v":2,"executionArn":"a","stateMachineArn":"m","name":"n","status":"DONE"}', "line 1: unexpected shape"],
  ])("refuses a journal line of the wrong shape (%s), naming the file, the line and the way out", (line, reason) => {
    writeFileSync(journal(), `${line}\n`);
    expect(() => new ExecutionStore({ dataDir })).toThrow(
      expect.objectContaining({
        name: "CorruptStateFileError",
        message: expect.stringContaining(`State file ${journal()} cannot be read (${reason}`),
      }),
    );
    expect(() => new ExecutionStore({ dataDir })).toThrow(/move the file aside/);
  });

  it("refuses a compact line that points past its data", () => {
    const line = {
      v: 2,
      executionArn: arn("e1"),
      stateMachineArn: MACHINE,
      name: "e1",
      status: "RUNNING",
      startDate: 1,
      data: ["{}"],
      input: 0,
      events: [{ type: "ExecutionStarted", timestamp: 1, details: { input: 3 } }],
    };
    writeFileSync(journal(), `${JSON.stringify(line)}\n`);
    expect(() => new ExecutionStore({ dataDir })).toThrow(/line 1: unexpected shape at data: an index past data/);
  });

  it("reads journals of the first format (a copy per event) and rewrites them compact", async () => {
    const big = JSON.stringify({ payload: "b".repeat(50_000) });
    const event = (id: number, type: string, details: object) => ({
      id,
      previousEventId: id - 1,
      timestamp: 1000 + id,
      type,
      details,
    });
    const first = {
      executionArn: arn("old"),
      stateMachineArn: MACHINE,
      name: "old",
      status: "SUCCEEDED",
      startDate: 1000,
      stopDate: 2000,
      input: big,
      output: big,
      events: [
        event(1, "ExecutionStarted", { input: big }),
        event(2, "PassStateEntered", { name: "P", input: big }),
        event(3, "PassStateExited", { name: "P", output: big }),
        event(4, "ExecutionSucceeded", { output: big }),
      ],
    };
    writeFileSync(journal(), `${JSON.stringify(first)}\n`);
    const store = new ExecutionStore({ dataDir });
    expect(store.get(arn("old"))).toMatchObject({ status: "SUCCEEDED", input: big, stopDate: new Date(2000) });
    expect(store.get(arn("old"))?.events[2]).toEqual({
      id: 3,
      previousEventId: 2,
      timestamp: new Date(1003),
      type: "PassStateExited",
      details: { name: "P", output: big },
    });
    await store.flush();
    expect(statSync(journal()).size).toBeLessThan(big.length + 2_000);
    expect(new ExecutionStore({ dataDir }).get(arn("old"))?.events).toEqual(store.get(arn("old"))?.events);
  });

  it("refuses a bound that is not a positive integer", () => {
    expect(() => new ExecutionStore({ dataDir, maxExecutions: 0 })).toThrow(RangeError);
  });
});
