/**
 * The simulated TTS API's bounds, over real HTTP and raw sockets on 127.0.0.1: the body size (TTS's
 * `request_body_too_large`), requests refused before their body is read, the record of requests under
 * a flood of large posts, clients hanging up mid-request, and TTS's per-device downlink queue capacity.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_RECORDER_LIMITS,
  DOWNLINK_QUEUE_CAPACITY,
  MAX_TTS_BODY_BYTES,
  RecordedRequestsDroppedError,
  type TtsApiOptions,
} from "../../../local/tts-simulator/index.ts";
import { requestHead, sendAndHangUp, sendUntilClosed, statusOf, watchStderr } from "../../support/raw-client.ts";
import { sleep } from "./mqtt-harness.ts";
import {
  SIMULATED_APP,
  SIMULATED_KEY,
  type SimulatedTts,
  startSimulatedTts,
  stopSimulatedTts,
} from "./simulated-tts.ts";

const DEVICE = "sim-sensor-001";
const DOWN = `/api/v3/as/applications/${SIMULATED_APP}/devices/${DEVICE}/down`;
const AUTH = `Bearer ${SIMULATED_KEY}`;
const ONE = { f_port: 1, frm_payload: "AQ==" };

let running: SimulatedTts | undefined;
afterEach(async () => {
  if (running !== undefined) await stopSimulatedTts(running);
  running = undefined;
});

async function start(api?: Pick<TtsApiOptions, "recorderLimits" | "downlinkQueueCapacity">): Promise<SimulatedTts> {
  running = await startSimulatedTts({ stack: "bounds-test", devices: 1, seed: 7, ...(api ? { api } : {}) });
  return running;
}

function post(
  tts: SimulatedTts["tts"],
  action: "push" | "replace",
  body: string | ReadableStream<Uint8Array>,
  authorization = AUTH,
) {
  return fetch(`${tts.url}${DOWN}/${action}`, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}
const downlinks = (count: number) => JSON.stringify({ downlinks: Array.from({ length: count }, () => ONE) });

/** A body that arrives in pieces, without Content-Length (chunked), `total` bytes in all. */
function chunkedBody(total: number): ReadableStream<Uint8Array> {
  const piece = new Uint8Array(64 * 1024).fill(120);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const size = Math.min(piece.length, total - sent);
      controller.enqueue(piece.subarray(0, size));
      sent += size;
    },
  });
}

describe("request bodies", () => {
  it("refuses a body over 1 MiB with TTS's request_body_too_large, declared or chunked, and keeps serving", async () => {
    const { tts } = await start();
    // lorawan-stack pkg/webmiddleware/max_body.go: InvalidArgument, attribute `maximum`.
    const expected = {
      code: 3,
      message: "error:pkg/webmiddleware:request_body_too_large (request body too large)",
      details: [
        { namespace: "pkg/webmiddleware", name: "request_body_too_large", attributes: { maximum: MAX_TTS_BODY_BYTES } },
      ],
    };
    for (const body of ["x".repeat(MAX_TTS_BODY_BYTES + 1), chunkedBody(MAX_TTS_BODY_BYTES + 1)]) {
      const response = await post(tts, "push", body);
      expect([response.status, response.headers.get("connection")]).toEqual([400, "close"]);
      expect(await response.json()).toMatchObject(expected);
    }
    expect((await post(tts, "push", downlinks(1))).status).toBe(200);
    expect(tts.requests().map(({ status, body }) => ({ status, body }))).toEqual([
      { status: 400, body: undefined },
      { status: 400, body: undefined },
      { status: 200, body: { downlinks: [ONE] } },
    ]);
  });

  it("takes a body of exactly 1 MiB", async () => {
    const { tts } = await start();
    // The IDs in the body are accepted and ignored (the path decides): room for padding.
    const frame = (padding: string) =>
      `{"end_device_ids":{"padding":"${padding}"},"downlinks":[${JSON.stringify(ONE)}]}`;
    const body = frame("x".repeat(MAX_TTS_BODY_BYTES - frame("").length));
    expect(Buffer.byteLength(body)).toBe(MAX_TTS_BODY_BYTES);
    expect((await post(tts, "push", body)).status).toBe(200);
    expect(tts.queue(SIMULATED_APP, DEVICE)).toHaveLength(1);
  });

  it("answers a request TTS refuses without its body (no or wrong key, unknown device, no route) before reading it", async () => {
    const { tts, subscriber } = await start();
    const tenMegabytes = { "content-length": 10 * 1024 * 1024, "content-type": "application/json" };
    const cases: Array<[string, Record<string, string | number>, number, string]> = [
      [`POST ${DOWN}/push`, tenMegabytes, 401, "unauthenticated"],
      [`POST ${DOWN}/push`, { ...tenMegabytes, authorization: "Bearer NNSXS.WRONG" }, 401, "api_key_not_found"],
      [
        `POST /api/v3/as/applications/${SIMULATED_APP}/devices/ghost/down/push`,
        { ...tenMegabytes, authorization: AUTH },
        404,
        "end_device_not_found",
      ],
      ["POST /api/v3/nowhere", { ...tenMegabytes, authorization: AUTH }, 404, "route_not_found"],
    ];
    for (const [requestLine, headers, status, name] of cases) {
      // Not one byte of the announced body is sent: the answer comes anyway, and the connection closes.
      const answer = await sendUntilClosed(tts.port, requestHead(requestLine, headers));
      expect(statusOf(answer)).toBe(status);
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
      expect(answer).toContain(`"name":"${name}"`);
    }
    expect(tts.requests().map(({ status, body }) => [status, body])).toEqual([
      [401, undefined],
      [401, undefined],
      [404, undefined],
      [404, undefined],
    ]);
    expect(tts.queue(SIMULATED_APP, DEVICE)).toEqual([]);
    await sleep(100);
    expect(subscriber.messages).toEqual([]);
  });
});

describe("the record of requests", () => {
  it("stays within its byte bound under 50 posts of 1 MiB, and says so when asked for dropped ones", async () => {
    const { tts } = await start();
    const body = "x".repeat(MAX_TTS_BODY_BYTES);
    for (let i = 0; i < 50; i++) expect((await post(tts, "push", body)).status).toBe(400);

    expect(tts.requestCount).toBe(50);
    const kept = Math.floor(DEFAULT_RECORDER_LIMITS.maxBodyBytes / MAX_TTS_BODY_BYTES);
    const newest = tts.requests({ since: 50 - kept });
    expect(newest.map(({ seq }) => seq)).toEqual(Array.from({ length: kept }, (_, i) => 50 - kept + i));
    const keptBytes = newest.reduce((sum, { body }) => sum + Buffer.byteLength(body as string), 0);
    expect(keptBytes).toBeLessThanOrEqual(DEFAULT_RECORDER_LIMITS.maxBodyBytes);
    expect(() => tts.requests({ since: 50 - kept - 1 })).toThrow(RecordedRequestsDroppedError);
    expect(() => tts.requests()).toThrow(RecordedRequestsDroppedError);
  });

  it("keeps the newest requests within a configured count", async () => {
    const { tts } = await start({ recorderLimits: { maxRequests: 2, maxBodyBytes: 1024 } });
    for (let i = 0; i < 3; i++) await fetch(`${tts.url}${DOWN}`, { headers: { authorization: AUTH } });
    expect(tts.requestCount).toBe(3);
    expect(tts.requests({ since: 1 }).map(({ seq, status }) => [seq, status])).toEqual([
      [1, 200],
      [2, 200],
    ]);
  });
});

describe("clients that hang up", () => {
  it("mid-body or before the answer: nothing on stderr, no answer recorded, and the next request is served", async () => {
    const { tts } = await start();
    const stderr = watchStderr();
    try {
      const head = requestHead(`POST ${DOWN}/push`, {
        authorization: AUTH,
        "content-type": "application/json",
        "content-length": 1_000,
      });
      expect(await sendAndHangUp(tts.port, `${head}{"downlinks":[`)).toBe("");
      tts.faults.inject({ kind: "slowAnswer", delayMs: 300 });
      const whole = downlinks(1);
      const complete = requestHead(`POST ${DOWN}/push`, {
        authorization: AUTH,
        "content-type": "application/json",
        "content-length": whole.length,
      });
      expect(await sendAndHangUp(tts.port, `${complete}${whole}`, 50)).toBe("");
      await sleep(400);

      expect((await post(tts, "push", downlinks(1))).status).toBe(200);
      expect(tts.requests().map(({ status }) => status)).toEqual([undefined, 200, 200]);
      expect(stderr.text()).toBe("");
    } finally {
      stderr.restore();
    }
  });
});

describe("the downlink queue capacity", () => {
  // lorawan-stack pkg/networkserver/grpc_asns.go: `errDownlinkQueueCapacity`, ResourceExhausted → HTTP 429.
  const capacityError = {
    code: 8,
    message: "error:pkg/networkserver:downlink_queue_capacity (downlink queue capacity exceeded)",
    details: [{ namespace: "pkg/networkserver", name: "downlink_queue_capacity", code: 8 }],
  };

  it("is TTS's 10,000 by default: a replace of 10,001 is refused whole, nothing queued or announced", async () => {
    const { tts, subscriber } = await start();
    expect(DOWNLINK_QUEUE_CAPACITY).toBe(10_000);
    const response = await post(tts, "replace", downlinks(DOWNLINK_QUEUE_CAPACITY + 1));
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject(capacityError);
    expect(tts.queue(SIMULATED_APP, DEVICE)).toEqual([]);
    await sleep(100);
    expect(subscriber.messages).toEqual([]);
  });

  it("counts what is queued: a push that would overflow is refused whole, and room comes back as downlinks go out", async () => {
    const { tts, simulator, subscriber } = await start({ downlinkQueueCapacity: 3 });
    await simulator.publishJoin(DEVICE);
    expect((await post(tts, "push", downlinks(2))).status).toBe(200);
    const overflow = await post(tts, "push", downlinks(2));
    expect(overflow.status).toBe(429);
    expect(await overflow.json()).toMatchObject(capacityError);
    expect(tts.queue(SIMULATED_APP, DEVICE)).toHaveLength(2);

    expect((await post(tts, "replace", downlinks(3))).status).toBe(200);
    expect((await post(tts, "push", downlinks(1))).status).toBe(429);
    expect((await post(tts, "replace", downlinks(4))).status).toBe(429);
    expect(tts.queue(SIMULATED_APP, DEVICE)).toHaveLength(3);

    // The next uplink's receive window sends the head of the queue: room for one more.
    await simulator.publishUplink(DEVICE);
    await subscriber.waitUntil((messages) => messages.some(({ topic }) => topic.endsWith("/downlink/sent")));
    expect(tts.queue(SIMULATED_APP, DEVICE)).toHaveLength(2);
    expect((await post(tts, "push", downlinks(1))).status).toBe(200);
    // queued: 2 + 3 (the replace) + 1; never one for a refused request.
    await subscriber.waitUntil((messages) => messages.filter(({ topic }) => topic.endsWith("/queued")).length >= 6);
    await sleep(100);
    expect(subscriber.messages.filter(({ topic }) => topic.endsWith("/queued"))).toHaveLength(6);
  });
});
