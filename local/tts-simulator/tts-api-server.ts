/**
 * The simulated TTS v3 HTTP API (downlink queue of the Application Server) on node:http, next to
 * the simulator's MQTT session: what the downlink workflow's Enqueue step calls in the local runtime.
 * Every request is recorded (even refused ones) so tests can count exactly what TTS saw.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { listen } from "../net/listen.ts";
import type { QueuedDownlink } from "./downlink-messages.ts";
import { DownlinkService } from "./downlink-service.ts";
import { FaultInjector, type Refusal } from "./fault-injector.ts";
import type { TtsSimulator } from "./publisher.ts";
import { TtsApiError, ttsErrorBody, ttsErrors } from "./tts-api-errors.ts";
import { type ApiKeys, handleApiRequest } from "./tts-api-handler.ts";

/** TTS's gateway refuses bodies far smaller; this only keeps a runaway client from filling memory. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface TtsApiOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** The running simulator: its devices and its MQTT session (lifecycle messages go out through it). */
  readonly simulator: Pick<TtsSimulator, "fleet" | "publish">;
  /** The API key of each application (what TTS would accept as `Authorization: Bearer <key>`). */
  readonly apiKeys: ApiKeys;
  /** Pass one to configure faults before the first request; otherwise a fresh one. */
  readonly faults?: FaultInjector;
  readonly now?: () => Date;
  /** Lifecycle messages that could not be published; defaults to stderr. */
  readonly onError?: (error: Error) => void;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query string, as sent. */
  readonly path: string;
  readonly hasAuthorization: boolean;
  /** Parsed JSON; the raw text when it is not JSON; undefined when empty. */
  readonly body: unknown;
  /** undefined while the request is still being answered (e.g. delayed). */
  readonly status: number | undefined;
  readonly receivedAt: Date;
}

export interface TtsApi {
  /** `http://<host>:<port>`: TTS's base URL (the `ttsUrl` of the design, before `/api/v3`). */
  readonly url: string;
  readonly port: number;
  readonly faults: FaultInjector;
  queue(applicationId: string, deviceId: string): readonly QueuedDownlink[];
  requests(): readonly RecordedRequest[];
  /** Unhooks the devices, drops delayed answers, closes every connection and the port. Idempotent. */
  close(): Promise<void>;
}

export async function startTtsApi(options: TtsApiOptions): Promise<TtsApi> {
  const faults = options.faults ?? new FaultInjector();
  const now = options.now ?? (() => new Date());
  const { fleet } = options.simulator;
  const downlinks = new DownlinkService({
    fleet,
    publish: (suffix, message) => options.simulator.publish(suffix, message),
    faults,
    now,
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  const context = { fleet, apiKeys: options.apiKeys, faults, downlinks };
  const recorded: Array<{ -readonly [K in keyof RecordedRequest]: RecordedRequest[K] }> = [];
  const closing = new AbortController();

  const answer = (
    response: ServerResponse,
    record: { status: number | undefined },
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    record.status = status;
    response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  };
  const answerError = (
    response: ServerResponse,
    record: { status: number | undefined },
    error: TtsApiError,
    headers?: Record<string, string>,
  ) => answer(response, record, error.status, ttsErrorBody(error, downlinks.errorCorrelationId()), headers);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://tts.invalid");
    const record = {
      method: request.method ?? "GET",
      path: `${url.pathname}${url.search}`,
      hasAuthorization: request.headers.authorization !== undefined,
      body: undefined as unknown,
      status: undefined as number | undefined,
      receivedAt: now(),
    };
    recorded.push(record);
    try {
      const text = await readBody(request);
      record.body = bodyForRecord(text);
      const fault = faults.takeRequestFault();
      if (fault.delayMs !== undefined) await sleep(fault.delayMs, undefined, { signal: closing.signal });
      if (fault.refusal !== undefined)
        return answerError(response, record, refusalError(fault.refusal), refusalHeaders(fault.refusal));
      const result = await handleApiRequest(context, {
        method: record.method,
        pathname: url.pathname,
        authorization: request.headers.authorization,
        body: text,
      });
      answer(response, record, result.status, result.body);
    } catch (error) {
      if (closing.signal.aborted) return void response.destroy();
      if (error instanceof TtsApiError) return answerError(response, record, error);
      if (error instanceof RequestBodyTooLargeError)
        return answerError(response, record, ttsErrors.validation("(body)", error.message), { connection: "close" });
      answerError(response, record, ttsErrors.internal(error instanceof Error ? error.message : String(error)));
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  const port = await listen(server, options.host, options.port, "TTS simulator HTTP API port (--tts-port)");
  const unhook = downlinks.attach();

  let closed: Promise<void> | undefined;
  return {
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`,
    port,
    faults,
    queue: (applicationId, deviceId) => downlinks.queues.list(applicationId, deviceId),
    requests: () => recorded.map((record) => ({ ...record })),
    close: () =>
      (closed ??= (async () => {
        unhook();
        closing.abort();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}

function refusalError(refusal: Refusal): TtsApiError {
  return refusal.status === 429 ? ttsErrors.rateLimited() : ttsErrors.unavailable();
}

function refusalHeaders(refusal: Refusal): Record<string, string> {
  return refusal.retryAfterSeconds === undefined ? {} : { "retry-after": String(refusal.retryAfterSeconds) };
}

function bodyForRecord(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

class RequestBodyTooLargeError extends Error {
  override readonly name = "RequestBodyTooLargeError";
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RequestBodyTooLargeError(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
