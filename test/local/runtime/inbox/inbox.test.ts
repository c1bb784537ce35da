import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { DurableLines } from "../../../../local/runtime/inbox/durable-lines.ts";
import { INBOX_FILE, Inbox, InboxClosedError, type WorkflowStart } from "../../../../local/runtime/inbox/inbox.ts";
import { useDataDirs } from "../../../support/data-dirs.ts";

const dataDir = useDataDirs();

const uplink = (fCnt: number, padding = ""): WorkflowStart => ({
  rule: "tts_e2e_uplink",
  topic: "thethings/lorawan/e2e/uplink",
  payload: "e30=",
  workflow: "upstream",
  namePrefix: "uplink",
  input: { fCnt, padding },
});
const fCntOf = (entry: { input: unknown } | undefined) => (entry?.input as { fCnt: number } | undefined)?.fCnt;
const takeAll = (inbox: Inbox) => {
  const taken = [];
  for (let entry = inbox.take(); entry !== undefined; entry = inbox.take()) taken.push(entry);
  return taken;
};
const settledSoon = async (promise: Promise<unknown>) => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return settled;
};

describe("inbox of accepted messages", () => {
  it("has an accepted message in its file when the acceptance resolves", async () => {
    const dir = dataDir();
    const inbox = await Inbox.open(dir);
    await inbox.accept(uplink(1), { durable: true });
    expect(readFileSync(join(dir, INBOX_FILE), "utf8")).toContain('"fCnt":1');
    expect(inbox.backlog.messages).toBe(1);
    await inbox.close();
  });

  it("gives entries out in acceptance order, and after a restart every entry not done, taken or not", async () => {
    const dir = dataDir();
    const first = await Inbox.open(dir);
    await Promise.all([1, 2, 3, 4].map((fCnt) => first.accept(uplink(fCnt), { durable: true })));
    const [one, two] = [first.take(), first.take()];
    expect([fCntOf(one), fCntOf(two)]).toEqual([1, 2]);
    first.done(one!.id);
    // A crash now: entry 2 was running, 3 and 4 waited. (Closing only stops the writes, as kill -9 would.)
    await first.close();

    const second = await Inbox.open(dir);
    expect(second.backlog.messages).toBe(3);
    const again = takeAll(second);
    expect(again.map(fCntOf)).toEqual([2, 3, 4]);
    expect(again[0]).toEqual({ ...two, input: two!.input });
    await second.close();
  });

  it("makes acceptance wait, in arrival order, while the backlog is full, and resumes it as entries are done", async () => {
    const inbox = await Inbox.open(dataDir(), { maxMessages: 2 });
    await inbox.accept(uplink(1), { durable: true });
    await inbox.accept(uplink(2), { durable: true });
    const third = inbox.accept(uplink(3), { durable: true });
    const fourth = inbox.accept(uplink(4), { durable: false });
    expect(await settledSoon(third)).toBe(false);
    expect(inbox.waiting).toBe(2);
    expect(inbox.backlog.messages).toBe(2);

    inbox.done(inbox.take()!.id);
    await third;
    expect(await settledSoon(fourth)).toBe(false);
    inbox.done(inbox.take()!.id);
    await fourth;
    // Not durable (QoS 0): accepted once recorded in memory; given out at once, like every entry.
    expect(takeAll(inbox).map(fCntOf)).toEqual([3, 4]);
    await inbox.close();
  });

  it("gives an entry out as soon as it is recorded: only the acknowledgement waits for the disk", async () => {
    const dir = dataDir();
    const inbox = await Inbox.open(dir);
    const accepting = inbox.accept(uplink(1), { durable: true });
    const taken = inbox.take();
    expect(fCntOf(taken)).toBe(1);
    // Still on its way to disk: the publisher is not acknowledged yet.
    expect(readFileSync(join(dir, INBOX_FILE), "utf8")).not.toContain('"fCnt":1');
    await accepting;
    expect(readFileSync(join(dir, INBOX_FILE), "utf8")).toContain('"fCnt":1');
    inbox.done(taken!.id);
    await inbox.close();
  });

  it("after a failed write, forgets an entry not taken yet (never run), and keeps a running one until done", async () => {
    const inbox = await Inbox.open(dataDir());
    const noSpace = new Error("ENOSPC: no space left on device, write");
    const append = vi.spyOn(DurableLines.prototype, "appendLine").mockRejectedValue(noSpace);
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const first = inbox.accept(uplink(1), { durable: true });
      const running = inbox.take();
      const second = inbox.accept(uplink(2), { durable: true });
      // Neither publisher is acknowledged: both send their message again.
      await expect(first).rejects.toThrow(/ENOSPC/);
      await expect(second).rejects.toThrow(/ENOSPC/);
      expect(fCntOf(running)).toBe(1);
      expect(inbox.take()).toBeUndefined();
      expect(inbox.backlog.messages).toBe(1);
      inbox.done(running!.id);
      expect(inbox.backlog.messages).toBe(0);
      expect(errors).toHaveBeenCalledWith(expect.stringContaining(INBOX_FILE), noSpace);
    } finally {
      append.mockRestore();
      errors.mockRestore();
      await inbox.close();
    }
  });

  it("bounds the backlog by bytes too", async () => {
    const inbox = await Inbox.open(dataDir(), { maxBytes: 10_000 });
    await inbox.accept(uplink(1, "x".repeat(10_000)), { durable: true });
    const second = inbox.accept(uplink(2), { durable: true });
    expect(await settledSoon(second)).toBe(false);
    inbox.done(inbox.take()!.id);
    await second;
    await inbox.close();
  });

  it("refuses acceptances once it stops accepting, those waiting for room included", async () => {
    const inbox = await Inbox.open(dataDir(), { maxMessages: 1 });
    await inbox.accept(uplink(1), { durable: true });
    const waiting = inbox.accept(uplink(2), { durable: true });
    inbox.stopAccepting();
    await expect(waiting).rejects.toBeInstanceOf(InboxClosedError);
    await expect(inbox.accept(uplink(3), { durable: true })).rejects.toThrow("the runtime is shutting down");
    expect(inbox.backlog.messages).toBe(1);
    await inbox.close();
  });

  it("keeps an entry whose execution ends after closing, for the next start", async () => {
    const dir = dataDir();
    const inbox = await Inbox.open(dir);
    await inbox.accept(uplink(1), { durable: true });
    const entry = inbox.take()!;
    await inbox.close();
    inbox.done(entry.id);
    const reopened = await Inbox.open(dir);
    expect(takeAll(reopened).map(fCntOf)).toEqual([1]);
    await reopened.close();
  });

  it("compacts its file, so disk use stays bounded however many messages pass", async () => {
    const dir = dataDir();
    const inbox = await Inbox.open(dir);
    const padding = "p".repeat(2_000);
    for (let round = 0; round < 30; round++) {
      await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          inbox.accept(uplink(round * 200 + index, padding), { durable: true }),
        ),
      );
      for (const entry of takeAll(inbox)) inbox.done(entry.id);
    }
    await inbox.accept(uplink(-1), { durable: true });
    await inbox.close();
    // 6,000 messages of 2 KB went through (12 MB); compaction keeps the file near its 4 MB slack.
    expect(statSync(join(dir, INBOX_FILE)).size).toBeLessThan(6 * 2 ** 20);
    const reopened = await Inbox.open(dir);
    expect(takeAll(reopened).map(fCntOf)).toEqual([-1]);
    await reopened.close();
  });

  it("refuses a file of the wrong shape, naming it, the line (blank lines counted) and the field", async () => {
    const dir = dataDir();
    writeFileSync(join(dir, INBOX_FILE), '{"done":"b"}\n\n{"id":"a","workflow":"nope"}\n{"done":"b"}\n');
    await expect(Inbox.open(dir)).rejects.toThrow(
      `State file ${join(dir, INBOX_FILE)} cannot be read (line 3: unexpected shape at acceptedAt:`,
    );
  });
});
