/** The functions' TTS transport over node:http(s): what `callTts` reads of an answer, and its failures, against a real server on 127.0.0.1. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { callTts } from "../../../functions/tts/http.ts";
import { nodeTransport, TtsTransportError } from "../../../functions/tts/transport.ts";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(
  handle: (request: IncomingMessage, body: string, response: ServerResponse) => void,
): Promise<string> {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handle(request, Buffer.concat(chunks).toString("utf8"), response));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const init = (extra: Partial<Parameters<typeof nodeTransport>[1]> = {}) => ({
  method: "GET",
  headers: { accept: "application/json" },
  signal: AbortSignal.timeout(5_000),
  ...extra,
});

describe("nodeTransport", () => {
  it("sends method, headers and body, and gives status, headers (any case) and the JSON body", async () => {
    let seen: { method?: string | undefined; authorization?: string | undefined; body?: string } = {};
    const url = await serve((request, body, response) => {
      seen = { method: request.method, authorization: request.headers.authorization, body };
      response.writeHead(200, { "content-type": "application/json", "Retry-After": "7" });
      response.end('{"ids":{"device_id":"dev1"}}');
    });
    const answer = await nodeTransport(`${url}/api/v3/x`, {
      ...init({ method: "POST", body: '{"a":1}' }),
      headers: { authorization: "Bearer k", "content-type": "application/json" },
    });
    expect(seen).toEqual({ method: "POST", authorization: "Bearer k", body: '{"a":1}' });
    expect([answer.ok, answer.status, answer.headers.get("retry-after"), answer.headers.get("x-none")]).toEqual([
      true,
      200,
      "7",
      null,
    ]);
    expect(await answer.json()).toEqual({ ids: { device_id: "dev1" } });
    await answer.body?.cancel();
  });

  it("gives an error answer as one: not ok, its status and text", async () => {
    const url = await serve((_, __, response) => {
      response.writeHead(404).end('{"code":5,"message":"error:pkg/x:not_found (no such device)"}');
    });
    const answer = await nodeTransport(`${url}/missing`, init());
    expect([answer.ok, answer.status]).toEqual([false, 404]);
    expect(await answer.text()).toContain("not_found");
  });

  it("fails a refused connection with Node's code as the cause, which callTts reports as never sent", async () => {
    const url = await serve(() => undefined);
    await new Promise((resolve) => server!.close(resolve));
    const error = await nodeTransport(`${url}/x`, init()).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(TtsTransportError);
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
    const answer = await callTts({ ttsUrl: url, apiKey: "k", method: "GET", path: "/x", timeoutMs: 1_000 });
    expect(answer).toMatchObject({
      reached: false,
      maybeProcessed: false,
      reason: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("gives up at the timeout, before and after the answer started, and callTts says so", async () => {
    const url = await serve((request, _, response) => {
      if (request.url === "/half") {
        response.writeHead(200, { "content-type": "application/json" });
        response.write('{"partial":');
      }
      // …and nothing more: the answer never ends.
    });
    for (const path of ["/silent", "/half"]) {
      const answer = await callTts({ ttsUrl: url, apiKey: "k", method: "GET", path, timeoutMs: 100 });
      expect(answer).toMatchObject({ reached: false, maybeProcessed: true });
      expect((answer as { reason: string }).reason).toMatch(/no answer within 100 ms|timeout/);
    }
  });

  it("fails, instead of hanging, when the server goes away in the middle of the answer", async () => {
    const url = await serve((_, __, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      response.write('{"cut":');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    await expect(nodeTransport(`${url}/x`, init())).rejects.toThrow();
  });
});
