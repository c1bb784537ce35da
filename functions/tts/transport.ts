/**
 * How a TTS call goes over the wire: the part of `fetch` that `callTts` uses, so tests can pass `fetch`
 * itself (or a stand-in), and the functions a transport on Node's own `http`/`https` clients.
 *
 * Why not `fetch` in the functions: Node's `fetch` is undici, about 1 MB of JavaScript that Node loads
 * and compiles on the first call. In a Lambda that calls TTS, that was 25–30 ms of every cold start
 * (`bench/results.md`), for one small JSON request. `node:https` is loaded anyway (the AWS SDK's own
 * transport). Hand-written because it is a thin adapter over Node's client, not an HTTP client: no
 * redirects (TTS's API answers directly), the whole (small) body read into memory, connections kept
 * alive by Node's global agents.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export interface TtsRequestInit {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborts the request and the reading of its answer. */
  readonly signal: AbortSignal;
}

export interface TtsResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
  readonly body?: { cancel(): Promise<void> } | null;
}

export type TtsTransport = (url: string, init: TtsRequestInit) => Promise<TtsResponse>;

/**
 * A network failure, with Node's error (its `code`: ECONNREFUSED, ENOTFOUND…) as `cause`, as `fetch`
 * reports one; a timeout or abort is Node's `AbortError` itself.
 */
export class TtsTransportError extends Error {
  override readonly name = "TtsTransportError";
}

export const nodeTransport: TtsTransport = (url, init) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const fail = (error: Error) =>
      reject(error.name === "AbortError" ? error : new TtsTransportError(error.message, { cause: error }));
    const request = send(target, { method: init.method, headers: init.headers, signal: init.signal }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("error", fail);
      answer.on("end", () => resolve(responseOf(answer, Buffer.concat(chunks).toString("utf8"))));
      // Cut off before its end (the timeout, or the server went away): never left pending.
      answer.on("close", () => {
        if (answer.complete) return;
        const reason: unknown = init.signal.reason;
        if (init.signal.aborted && reason instanceof Error) reject(reason);
        else fail(new Error("the answer was cut off before its end"));
      });
    });
    request.on("error", fail);
    request.end(init.body);
  });

function responseOf(answer: IncomingMessage, text: string): TtsResponse {
  const status = answer.statusCode ?? 0;
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: {
      get: (name) => {
        const value = answer.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    },
    json: async () => JSON.parse(text) as unknown,
    text: async () => text,
    // Read already: nothing left to cancel.
    body: { cancel: async () => undefined },
  };
}
