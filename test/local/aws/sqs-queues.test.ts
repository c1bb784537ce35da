/** The SQS queue store's time-dependent behaviour, on a clock the tests move. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SqsQueues } from "../../../local/aws/index.ts";
import { makeDataDir, removeDataDir } from "./endpoint-fixture.ts";

const SETTINGS = { retentionSeconds: 1_209_600, maxMessageBytes: 262_144, visibilityTimeoutSeconds: 30 };
const Q = "s1-upstream-rules-dlq";

let dataDir: string;
let now: number;
let queues: SqsQueues;

function open(extra: { maxMessages?: number; maxBytes?: number } = {}): SqsQueues {
  const store = new SqsQueues({ dataDir, region: "us-east-1", now: () => now, ...extra });
  store.ensure(Q, SETTINGS);
  return store;
}

beforeEach(async () => {
  dataDir = await makeDataDir();
  now = Date.UTC(2026, 0, 1);
  queues = open();
});
afterEach(async () => {
  await queues.flush();
  await removeDataDir(dataDir);
});

describe("SQS queue store", () => {
  it("hides a received message for the visibility timeout, then returns it with a new receipt handle (Amazon SQS Developer Guide, Amazon SQS visibility timeout)", () => {
    queues.send(Q, "m1");
    const [first] = queues.receive(Q, 10);
    const firstHandle = first?.receiptHandle;
    now += 29_999;
    expect(queues.receive(Q, 10)).toEqual([]);
    expect(queues.counts(Q)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    now += 1;
    const [again] = queues.receive(Q, 10);
    expect(again).toMatchObject({ body: "m1", receiveCount: 2, firstReceiveTimestamp: now - 30_000 });
    expect(again?.receiptHandle).not.toBe(firstHandle);
  });

  it("deletes only with the latest receipt handle; an older one succeeds and deletes nothing (Amazon SQS API Reference, DeleteMessage)", () => {
    queues.send(Q, "m1");
    const older = queues.receive(Q, 1, 0)[0]?.receiptHandle ?? "";
    const latest = queues.receive(Q, 1, 0)[0]?.receiptHandle ?? "";
    queues.delete(Q, older);
    expect(queues.counts(Q).visible).toBe(1);
    queues.delete(Q, latest);
    expect(queues.counts(Q).visible).toBe(0);
    queues.delete(Q, latest);
  });

  it("drops messages older than MessageRetentionPeriod (Amazon SQS API Reference, SetQueueAttributes)", () => {
    queues.send(Q, "old");
    now += 1_000;
    queues.send(Q, "new");
    now += SETTINGS.retentionSeconds * 1000 - 1_000;
    expect(queues.receive(Q, 10).map((message) => message.body)).toEqual(["new"]);
  });

  it("keeps a message sent with DelaySeconds out of receives until the delay is over (Amazon SQS API Reference, SendMessage)", () => {
    queues.send(Q, "later", 60);
    expect(queues.counts(Q)).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    expect(queues.receive(Q, 10)).toEqual([]);
    now += 60_000;
    expect(queues.receive(Q, 10).map((message) => message.body)).toEqual(["later"]);
  });

  it("is bounded locally: past its message or byte budget the oldest messages go, with a line on stderr", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      queues = open({ maxMessages: 3, maxBytes: 10 });
      for (const body of ["a", "b", "c", "d"]) queues.send(Q, body);
      expect(queues.receive(Q, 10).map((message) => message.body)).toEqual(["b", "c", "d"]);
      queues.send(Q, "0123456789");
      expect(queues.counts(Q)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
      expect(errors).toHaveBeenCalledWith(expect.stringContaining(`SQS queue ${Q} is full`));
    } finally {
      errors.mockRestore();
    }
  });

  it("keeps queues, messages and their visibility across a restart", async () => {
    queues.send(Q, "kept");
    queues.send(Q, "in flight");
    queues.receive(Q, 1);
    await queues.flush();
    const reopened = new SqsQueues({ dataDir, region: "us-east-1", now: () => now });
    expect(reopened.names()).toEqual([Q]);
    expect(reopened.counts(Q)).toEqual({ visible: 1, inFlight: 1, delayed: 0 });
  });

  it("ends a long poll when a message arrives, and at once when closed", async () => {
    const waiting = queues.waitForVisible(Q, 20_000);
    queues.send(Q, "wake up");
    await waiting;
    queues.ensure("empty", SETTINGS);
    const poll = queues.waitForVisible("empty", 20_000);
    queues.close();
    await poll;
  });
});
