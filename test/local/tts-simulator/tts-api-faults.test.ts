/**
 * The simulated TTS's faults for the cases where a client cannot tell whether its downlink was queued,
 * over real HTTP: the queue, the recorded requests and the `downlink_queued` messages say what TTS did;
 * the client's view (status, timeout, reset) says what it could know. And `/simulator/faults`, which
 * asks for the same faults from a terminal.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TtsApi, TtsSimulator } from "../../../local/tts-simulator/index.ts";
import type { LooseJson } from "../../support/fixtures.ts";
import { type Subscriber, sleep, type TestBroker } from "./mqtt-harness.ts";
import { SIMULATED_APP, SIMULATED_KEY, startSimulatedTts, stopSimulatedTts } from "./simulated-tts.ts";

const STACK = "faults-test";
const APP = SIMULATED_APP;
const KEY = SIMULATED_KEY;
const DEVICE = "sim-sensor-001";
const DOWN = `/api/v3/as/applications/${APP}/devices/${DEVICE}/down`;
const ONE = [{ f_port: 1, frm_payload: "AQ==", correlation_ids: ["app:request-1"] }];

let broker: TestBroker;
let subscriber: Subscriber;
let simulator: TtsSimulator;
let tts: TtsApi;

beforeEach(async () => {
  ({ broker, subscriber, simulator, tts } = await startSimulatedTts({ stack: STACK, devices: 1, seed: 7 }));
});

afterEach(() => stopSimulatedTts({ broker, subscriber, simulator, tts }));

function ttsCall(method: string, action: "push" | "replace" | "list", options: { timeoutMs?: number } = {}) {
  return fetch(`${tts.url}${DOWN}${action === "list" ? "" : `/${action}`}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    ...(method === "POST" ? { body: JSON.stringify({ downlinks: ONE }) } : {}),
    ...(options.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.timeoutMs) }),
  });
}
const push = (options?: { timeoutMs?: number }) => ttsCall("POST", "push", options);
const replace = () => ttsCall("POST", "replace");
const list = () => ttsCall("GET", "list");

function control(method: string, body?: unknown, path = "/simulator/faults") {
  return fetch(`${tts.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

const queued = () => tts.queue(APP, DEVICE);
const seen = () => tts.requests().map(({ method, status, faults }) => ({ method, status, faults }));
/** What the client got: a status, or how the request failed. */
const outcome = (request: Promise<Response>) =>
  request.then(
    (response) => response.status,
    (error: Error) =>
      `${error.name}: ${String((error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.message)}`,
  );

describe("faults where the client cannot know whether TTS queued the downlink", () => {
  it("slowAnswer: queued and announced at once, answered only after delayMs, so a shorter timeout gives up", async () => {
    tts.faults.inject({ kind: "slowAnswer", delayMs: 800 });
    const started = Date.now();
    expect(await outcome(push({ timeoutMs: 200 }))).toBe("TimeoutError: The operation was aborted due to timeout");
    expect(Date.now() - started).toBeLessThan(700);
    expect(queued()).toHaveLength(1);
    expect(queued()[0]!.correlation_ids[0]).toBe("app:request-1");
    await subscriber.waitUntil((messages) => messages.length === 1);
    expect(subscriber.messages[0]!.topic).toMatch(/\/downlink\/queued$/);
    expect(seen()).toEqual([{ method: "POST", status: undefined, faults: ["slowAnswer"] }]);
    // TTS answered 200 to nobody, once the delay was over (polled: a loaded machine may take longer).
    await expect.poll(seen, { timeout: 5_000 }).toEqual([{ method: "POST", status: 200, faults: ["slowAnswer"] }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(790);

    tts.faults.inject({ kind: "slowAnswer", delayMs: 300 });
    const patientStarted = Date.now();
    expect(await outcome(push())).toBe(200);
    expect(Date.now() - patientStarted).toBeGreaterThanOrEqual(290);
    expect(queued()).toHaveLength(2);
  });

  it.each([
    [500, 13, "internal"],
    [502, 14, "bad_gateway"],
    [503, 14, "unavailable"],
    [504, 4, "deadline_exceeded"],
  ] as const)(
    "errorAfterProcessing %i: queued, then answered with TTS's error (code %i, %s)",
    async (status, code, name) => {
      tts.faults.inject({ kind: "errorAfterProcessing", status, retryAfterSeconds: 2 });
      const response = await push();
      expect(response.status).toBe(status);
      expect(response.headers.get("retry-after")).toBe("2");
      expect(await response.json()).toMatchObject({ code, details: [{ name, code }] });
      expect(queued()).toHaveLength(1);
      await subscriber.waitUntil((messages) => messages.length === 1);
      expect(seen()).toEqual([{ method: "POST", status, faults: ["errorAfterProcessing"] }]);
      expect((await push()).status).toBe(200);
      expect(queued()).toHaveLength(2);
    },
  );

  it.each([
    [429, 8, "rate_limit_exceeded"],
    [500, 13, "internal"],
    [502, 14, "bad_gateway"],
    [503, 14, "unavailable"],
    [504, 4, "deadline_exceeded"],
  ] as const)(
    "errorBeforeProcessing %i: answered with TTS's error (code %i, %s), nothing queued",
    async (status, code, name) => {
      tts.faults.inject({ kind: "errorBeforeProcessing", status });
      const response = await push();
      expect([response.status, response.headers.get("retry-after")]).toEqual([status, null]);
      expect(await response.json()).toMatchObject({ code, details: [{ name, code }] });
      expect(queued()).toEqual([]);
      expect(seen()).toEqual([{ method: "POST", status, faults: ["errorBeforeProcessing"] }]);
      await sleep(100);
      expect(subscriber.messages).toEqual([]);
    },
  );

  it("reset after processing: the body is read and queued, the connection dropped unanswered", async () => {
    tts.faults.inject({ kind: "reset", processed: true });
    expect(await outcome(push())).toBe("TypeError: ECONNRESET");
    expect(queued()).toHaveLength(1);
    await subscriber.waitUntil((messages) => messages.length === 1);
    expect(tts.requests({ since: 0 })[0]).toMatchObject({
      seq: 0,
      body: { downlinks: ONE },
      status: undefined,
      faults: ["reset"],
    });
    expect(await outcome(push())).toBe(200);
  });

  it("reset before processing: the body is read, nothing queued, the connection dropped unanswered", async () => {
    tts.faults.inject({ kind: "reset", processed: false, count: 2 });
    expect(await outcome(push())).toBe("TypeError: ECONNRESET");
    expect(await outcome(replace())).toBe("TypeError: ECONNRESET");
    expect(queued()).toEqual([]);
    expect(tts.requests().map(({ body, status }) => ({ body, status }))).toEqual([
      { body: { downlinks: ONE }, status: undefined },
      { body: { downlinks: ONE }, status: undefined },
    ]);
    await sleep(100);
    expect(subscriber.messages).toEqual([]);
  });

  it("slow answer and reset together: queued, then dropped only after delayMs", async () => {
    tts.faults.inject({ kind: "reset", processed: true });
    tts.faults.inject({ kind: "slowAnswer", delayMs: 300 });
    const started = Date.now();
    expect(await outcome(push())).toBe("TypeError: ECONNRESET");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(queued()).toHaveLength(1);
  });

  it("the old delay still waits before processing: nothing is queued until it is over", async () => {
    tts.faults.delayNext(1, 400);
    expect(await outcome(push({ timeoutMs: 100 }))).toMatch(/^TimeoutError/);
    expect(queued()).toEqual([]);
    await sleep(450);
    expect(queued()).toHaveLength(1);
  });
});

describe("faults per route action", () => {
  it("fails only the queue read while pushes go through, and leaves other actions' faults pending", async () => {
    tts.faults.inject({ kind: "errorBeforeProcessing", action: "list", status: 503, count: 2 });
    tts.faults.inject({ kind: "errorAfterProcessing", action: "replace", status: 500 });
    expect(await outcome(push())).toBe(200);
    expect(await outcome(list())).toBe(503);
    expect(await outcome(push())).toBe(200);
    expect(await outcome(list())).toBe(503);
    expect(await outcome(list())).toBe(200);
    expect(queued()).toHaveLength(2);
    expect(tts.faults.pending()).toEqual([
      { kind: "errorAfterProcessing", action: "replace", count: 1, status: 500, remaining: 1 },
    ]);
    expect(await outcome(replace())).toBe(500);
    expect(queued()).toHaveLength(1);
    expect(tts.faults.pending()).toEqual([]);
  });

  it("applies a fault without action to any request, unknown routes included", async () => {
    tts.faults.inject({ kind: "errorBeforeProcessing", status: 502, count: 2 });
    expect(await outcome(fetch(`${tts.url}/api/v3/nowhere`))).toBe(502);
    expect(await outcome(list())).toBe(502);
    expect(await outcome(list())).toBe(200);
  });
});

describe("/simulator/faults", () => {
  it("adds a fault (201, as stored), lists it with what is left, and the TTS API obeys", async () => {
    const added = await control("POST", { kind: "slowAnswer", action: "push", delayMs: 300 });
    expect(added.status).toBe(201);
    expect(added.headers.get("content-type")).toBe("application/json");
    expect(await added.json()).toEqual({ kind: "slowAnswer", count: 1, action: "push", delayMs: 300 });
    expect(
      (await control("POST", { kind: "errorBeforeProcessing", action: "list", status: 503, count: 2 })).status,
    ).toBe(201);

    const listed = await control("GET");
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({
      faults: [
        { kind: "slowAnswer", count: 1, action: "push", delayMs: 300, remaining: 1 },
        { kind: "errorBeforeProcessing", count: 2, action: "list", status: 503, remaining: 2 },
      ],
    });

    expect(await outcome(list())).toBe(503);
    const started = Date.now();
    expect(await outcome(push())).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(((await (await control("GET")).json()) as LooseJson).faults).toEqual([
      { kind: "errorBeforeProcessing", count: 2, action: "list", status: 503, remaining: 1 },
    ]);
    // Its own requests are not TTS's: not recorded, and no fault applies to them.
    expect(tts.requests().map(({ path }) => path)).toEqual([DOWN, `${DOWN}/push`]);
  });

  it("clears everything with DELETE: faults, the rejected key, pending nacks", async () => {
    await control("POST", { kind: "rejectKey" });
    await control("POST", { kind: "nack", count: 3 });
    await control("POST", { kind: "reset", action: "replace", processed: false });
    expect(await outcome(push())).toBe(401);
    expect(((await (await control("GET")).json()) as LooseJson).faults).toEqual([
      { kind: "nack", count: 3, remaining: 3 },
      { kind: "reset", count: 1, action: "replace", processed: false, remaining: 1 },
      { kind: "rejectKey" },
    ]);

    const cleared = await control("DELETE");
    expect([cleared.status, await cleared.text()]).toEqual([204, ""]);
    expect(await (await control("GET")).json()).toEqual({ faults: [] });
    expect([tts.faults.rejectingKeys, tts.faults.takeNack()]).toEqual([false, false]);
    expect(await outcome(push())).toBe(200);
  });

  it("answers 400 with a clear message for a bad fault, and adds nothing", async () => {
    const cases: Array<[unknown, string]> = [
      ["{not json", "the body is not JSON"],
      ["", "the body is not JSON"],
      [{ kind: "slowAnswer" }, "`delayMs` is required"],
      [{ kind: "errorAfterProcessing", status: 429 }, "`status` must be 500, 502, 503 or 504, got 429"],
      [
        { kind: "teleport" },
        '`kind` must be delay, slowAnswer, errorBeforeProcessing, errorAfterProcessing, reset, nack, rejectKey or withholdRights, got "teleport"',
      ],
      [[{ kind: "nack" }], "a fault is a JSON object with a `kind`"],
    ];
    for (const [body, message] of cases) {
      const response = await control("POST", body);
      expect(response.status).toBe(400);
      const json = (await response.json()) as LooseJson;
      expect(json.error).toBe("InvalidFaultError");
      expect(json.message).toContain(message);
    }
    expect(tts.faults.pending()).toEqual([]);
  });

  it("answers 404 elsewhere under /simulator/, 405 for other methods, and refuses oversized bodies", async () => {
    const missing = await control("GET", undefined, "/simulator/fault");
    expect([missing.status, ((await missing.json()) as LooseJson).message]).toEqual([
      404,
      "no simulator resource at /simulator/fault; try /simulator/faults",
    ]);
    const put = await control("PUT", { kind: "nack" });
    expect([put.status, put.headers.get("allow")]).toEqual([405, "GET, POST, DELETE"]);
    const huge = await control("POST", JSON.stringify({ kind: "nack", padding: "x".repeat(1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(tts.faults.pending()).toEqual([]);
    expect(tts.requests()).toEqual([]);
  });
});
