import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recorder } from "../../local/harness/mqtt-client.ts";
import type { LocalRuntime } from "../../local/runtime/runtime.ts";
import type { FaultInput, TtsApi } from "../../local/tts-simulator/index.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { type DownlinkRuntime, startDownlinkRuntime } from "../support/downlink-runtime.ts";

const APPLICATION = "tts-aws-iot-sim";
const TIMEOUT_MS = 500;
const WAIT_MS = 1_000;
let runtime: LocalRuntime;
let ttsApi: TtsApi;
let app: MqttClient;
let thing: string;
let deviceId: string;
let downlinkExecutions: ExecutionSummary[];
let fixture: DownlinkRuntime;
/** The `downlink/failed` messages the application receives. */
let failed: Awaited<ReturnType<typeof recorder>>;

beforeAll(async () => {
  fixture = await startDownlinkRuntime({ ttsRequestTimeoutMs: TIMEOUT_MS, waitMs: WAIT_MS });
  ({ runtime, ttsApi, app, thing, deviceId, downlinkExecutions } = fixture);
  failed = await recorder(app, `lorawan/${thing}/downlink/failed`);
});

afterAll(() => fixture?.close());

beforeEach(() => ttsApi.faults.reset());

/** Publishes requests and waits for the executions they start. */
async function send(...bodies: unknown[]): Promise<ExecutionSummary[]> {
  const seen = downlinkExecutions.length;
  for (const body of bodies) await app.publishAsync("lorawan/downlink", JSON.stringify(body), { qos: 1 });
  await expect.poll(() => downlinkExecutions.length, { timeout: 20_000 }).toBe(seen + bodies.length);
  await runtime.workflows.idle();
  return downlinkExecutions.slice(seen);
}

/** Queued downlinks carrying a correlation id. */
const queuedWith = (correlationId: string) =>
  ttsApi.queue(APPLICATION, deviceId).filter((downlink) => downlink.correlation_ids?.includes(correlationId));

/** `METHOD status` of each TTS call since request `from`; `…` while a slow answer is still pending, `reset` for a reset. */
function calls(from: number) {
  return ttsApi
    .requests({ since: from })
    .map((call) => `${call.method} ${call.faults?.includes("reset") ? "reset" : (call.status ?? "…")}`);
}

/**
 * One request under a fault: its execution and the TTS calls it made. A SUCCEEDED execution never
 * reached PublishFailed: no `failed` message came from it.
 */
async function underFault(fault: FaultInput, body: Record<string, unknown>) {
  ttsApi.faults.inject(fault);
  const from = ttsApi.requestCount;
  const [execution] = await send({ thingName: thing, ...body });
  return { execution: execution!, calls: calls(from) };
}

/** The next `failed` message the application receives. */
async function nextFailed(before: number) {
  const messages = await failed.waitFor(before + 1);
  return JSON.parse(messages[before]!.payload.toString()) as { downlink_failed: { error: Record<string, unknown> } };
}

describe("a push whose outcome is unknown is never repeated blindly", () => {
  it("processed but answered after the timeout: found in the queue, not pushed again", async () => {
    const result = await underFault(
      { kind: "slowAnswer", action: "push", delayMs: TIMEOUT_MS * 3 },
      { bytes: "AQ==", correlationId: "slow-1" },
    );
    expect(result.execution.status).toBe("SUCCEEDED");
    expect(queuedWith("slow-1")).toHaveLength(1);
    // Duplicate check, the push (no answer in time), the look into the queue: found.
    expect(result.calls).toEqual(["GET 200", expect.stringMatching(/^POST (…|200)$/), "GET 200"]);
  });

  it("processed late, after the client gave up: the wait before the look lets TTS finish, found", async () => {
    const result = await underFault(
      { kind: "delay", action: "push", delayMs: TIMEOUT_MS * 2 },
      { bytes: "AQ==", correlationId: "late-1" },
    );
    expect(result.execution.status).toBe("SUCCEEDED");
    expect(queuedWith("late-1")).toHaveLength(1);
    expect(result.calls).toEqual(["GET 200", "POST 200", "GET 200"]);
  });

  it.each([500, 502, 503, 504] as const)(
    "processed then answered %i: found in the queue, not pushed again",
    async (status) => {
      const id = `after-${status}`;
      const result = await underFault(
        { kind: "errorAfterProcessing", action: "push", status },
        { bytes: "Ag==", correlationId: id },
      );
      expect(result.execution.status).toBe("SUCCEEDED");
      expect(queuedWith(id)).toHaveLength(1);
      expect(result.calls).toEqual(["GET 200", `POST ${status}`, "GET 200"]);
    },
  );

  it("refused with 503 before processing: not in the queue, so pushed again, once", async () => {
    const result = await underFault(
      { kind: "errorBeforeProcessing", action: "push", status: 503 },
      { bytes: "Aw==", correlationId: "before-503" },
    );
    expect(result.execution.status).toBe("SUCCEEDED");
    expect(queuedWith("before-503")).toHaveLength(1);
    expect(result.calls).toEqual(["GET 200", "POST 503", "GET 200", "POST 200"]);
  });

  it.each([true, false])(
    "connection reset after the body was read (processed: %s): exactly one queued",
    async (processed) => {
      const id = `reset-${processed}`;
      const result = await underFault(
        { kind: "reset", action: "push", processed },
        { bytes: "BA==", correlationId: id },
      );
      expect(result.execution.status).toBe("SUCCEEDED");
      expect(queuedWith(id)).toHaveLength(1);
      expect(result.calls).toEqual(
        processed ? ["GET 200", "POST reset", "GET 200"] : ["GET 200", "POST reset", "GET 200", "POST 200"],
      );
    },
  );

  it("rate limited (429 with Retry-After): known not taken, pushed again without looking", async () => {
    const result = await underFault(
      { kind: "errorBeforeProcessing", action: "push", status: 429, retryAfterSeconds: 1 },
      { bytes: "BQ==", correlationId: "rate-limited" },
    );
    expect(result.execution.status).toBe("SUCCEEDED");
    expect(queuedWith("rate-limited")).toHaveLength(1);
    expect(result.calls).toEqual(["GET 200", "POST 429", "POST 200"]);
  });

  it("works for requests without correlationId too, by this execution's own id", async () => {
    const before = ttsApi.queue(APPLICATION, deviceId).length;
    const result = await underFault({ kind: "errorAfterProcessing", action: "push", status: 503 }, { bytes: "Bg==" });
    expect(result.execution.status).toBe("SUCCEEDED");
    expect(ttsApi.queue(APPLICATION, deviceId).length).toBe(before + 1);
    expect(result.calls).toEqual(["POST 503", "GET 200"]);
  });
});

describe("honest feedback", () => {
  it("retries an unreadable queue and then finds the downlink", async () => {
    ttsApi.faults.inject({ kind: "errorBeforeProcessing", action: "list", status: 503 });
    const result = await underFault({ kind: "errorAfterProcessing", action: "push", status: 503 }, { bytes: "Dg==" });
    expect(result.execution.status).toBe("SUCCEEDED");
    expect(result.calls).toEqual(["POST 503", "GET 503", "GET 200"]);
  });

  it("pushes nothing when TTS refuses to show the queue for the duplicate check (the key's rights)", async () => {
    const before = failed.messages.length;
    const result = await underFault({ kind: "rejectKey" }, { bytes: "Dw==", correlationId: "no-read-right" });
    expect(result.execution).toMatchObject({ status: "FAILED", error: "tts_unauthorized" });
    expect(result.calls).toEqual(["GET 401"]);
    expect((await nextFailed(before)).downlink_failed.error).toMatchObject({
      name: "tts_unauthorized",
      message_format: expect.stringMatching(/reading the device's downlink queue/),
    });
  });

  it("says tts_outcome_unknown when the queue cannot be read after a push TTS may have taken", async () => {
    ttsApi.faults.inject({ kind: "errorBeforeProcessing", action: "list", status: 503, count: 3 });
    const before = failed.messages.length;
    const result = await underFault({ kind: "errorAfterProcessing", action: "push", status: 503 }, { bytes: "Bw==" });
    expect(result.execution).toMatchObject({ status: "FAILED", error: "tts_outcome_unknown" });
    expect(result.calls).toEqual(["POST 503", "GET 503", "GET 503", "GET 503"]);
    expect((await nextFailed(before)).downlink_failed.error).toMatchObject({ name: "tts_outcome_unknown", code: 2 });
  });

  it("says tts_unavailable, never for a queued downlink, when every push is refused before processing", async () => {
    const before = failed.messages.length;
    const result = await underFault(
      { kind: "errorBeforeProcessing", action: "push", status: 503, count: 4 },
      { bytes: "CA==", correlationId: "never-taken" },
    );
    expect(result.execution).toMatchObject({ status: "FAILED", error: "tts_unavailable" });
    expect(queuedWith("never-taken")).toHaveLength(0);
    expect(result.calls.filter((call) => call.startsWith("POST"))).toHaveLength(4);
    expect((await nextFailed(before)).downlink_failed.error).toMatchObject({
      name: "tts_unavailable",
      message_format: expect.stringMatching(/not queued after 4 pushes/),
    });
  });
});

describe("idempotent requests", () => {
  it("pushes a request delivered twice with a correlationId once: the second finds it queued", async () => {
    const request = { thingName: thing, bytes: "CQ==", correlationId: "order-42" };
    const [first] = await send(request);
    const [second] = await send(request);
    expect(first!.status).toBe("SUCCEEDED");
    expect(second).toMatchObject({ status: "SUCCEEDED", output: { duplicate: true, enqueued: true } });
    expect(queuedWith("order-42")).toHaveLength(1);
  });

  it("pushes a request delivered twice at the same moment once: the claim lets one delivery go on", async () => {
    const request = { thingName: thing, bytes: "EQ==", correlationId: "order-simultaneous" };
    // The first push is processed late: without the claim, the second delivery would look into an empty queue.
    ttsApi.faults.inject({ kind: "delay", action: "push", delayMs: 200 });
    const executions = await send(request, request);
    expect(executions.map((execution) => execution.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(executions.filter((execution) => (execution.output as { duplicate?: boolean }).duplicate)).toHaveLength(1);
    expect(queuedWith("order-simultaneous")).toHaveLength(1);
  });

  it("pushes a request without correlationId every time it comes (the same bytes may be meant twice)", async () => {
    const before = ttsApi.queue(APPLICATION, deviceId).length;
    await send({ thingName: thing, bytes: "Cg==" }, { thingName: thing, bytes: "Cg==" });
    expect(ttsApi.queue(APPLICATION, deviceId).length).toBe(before + 2);
  });
});

describe("replace under faults", () => {
  it.each<FaultInput>([
    { kind: "slowAnswer", action: "replace", delayMs: TIMEOUT_MS * 3 },
    { kind: "errorAfterProcessing", action: "replace", status: 503 },
    { kind: "reset", action: "replace", processed: true },
  ])(
    "is looked for like a push (only the look makes a failed true) and leaves exactly the one downlink: %o",
    async (fault) => {
      const id = `replace-${fault.kind}`;
      const result = await underFault(fault, { bytes: "Cw==", replace: true, correlationId: id });
      expect(result.execution.status).toBe("SUCCEEDED");
      expect(ttsApi.queue(APPLICATION, deviceId).map((downlink) => downlink.correlation_ids?.includes(id))).toEqual([
        true,
      ]);
      expect(result.calls).toEqual(["GET 200", expect.stringMatching(/^POST/), "GET 200"]);
    },
  );

  it("never says failed for a replace TTS took on its last push (429 ×3, then 503 after processing)", async () => {
    ttsApi.faults.inject({ kind: "errorBeforeProcessing", action: "replace", status: 429, count: 3 });
    const result = await underFault(
      { kind: "errorAfterProcessing", action: "replace", status: 503 },
      { bytes: "EA==", replace: true, correlationId: "replace-then-429" },
    );
    expect(result.execution.status).toBe("SUCCEEDED");
    expect(queuedWith("replace-then-429")).toHaveLength(1);
  });
});
