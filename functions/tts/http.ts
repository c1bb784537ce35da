/**
 * One call to the TTS v3 HTTP API with a Bearer API key and a timeout, answered as data: either TTS
 * answered (status, and for errors TTS's gRPC code, message and `Retry-After`), or it could not be
 * reached (why). Callers decide what an answer means. The key is redacted from every text returned,
 * in case a server ever echoes it.
 */
import { nodeTransport, type TtsResponse, type TtsTransport } from "./transport.ts";
export interface TtsCall {
  readonly ttsUrl: string;
  readonly apiKey: string;
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Absolute path, e.g. `/api/v3/as/applications/app1/devices/dev1/down/push`. */
  readonly path: string;
  readonly body?: unknown;
  readonly timeoutMs: number;
  readonly transport?: TtsTransport | undefined;
}

export type TtsAnswer =
  | {
      readonly reached: true;
      readonly status: number;
      readonly ok: boolean;
      /** The parsed JSON body of a successful GET (other answers' bodies are not needed). */
      readonly body?: unknown;
      /** From TTS's error body `{"code": <gRPC>, "message": "error:pkg/…:name (text)"}`, when not ok. */
      readonly code?: number;
      readonly message?: string;
      readonly retryAfterSeconds?: number;
    }
  | {
      readonly reached: false;
      readonly reason: string;
      /**
       * False only when the request certainly never left (no connection, no such host): then TTS did
       * nothing. A timeout or a reset may come after TTS acted on it.
       */
      readonly maybeProcessed: boolean;
    };

/** Failures before a connection exists: the request was never sent. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export async function callTts(call: TtsCall): Promise<TtsAnswer> {
  const url = new URL(call.path.replace(/^\//, ""), withTrailingSlash(call.ttsUrl)).toString();
  let response: TtsResponse;
  try {
    response = await (call.transport ?? nodeTransport)(url, {
      method: call.method,
      headers: {
        authorization: `Bearer ${call.apiKey}`,
        accept: "application/json",
        ...(call.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
  } catch (error) {
    const reason = isTimeout(error) ? `no answer within ${call.timeoutMs} ms` : networkReason(error);
    return {
      reached: false,
      reason: redact(`TTS at ${call.ttsUrl} is unreachable: ${reason}`, call.apiKey),
      maybeProcessed: !NOT_SENT_CODES.has(networkCode(error) ?? ""),
    };
  }
  if (response.ok) {
    if (call.method === "GET") {
      try {
        return { reached: true, status: response.status, ok: true, body: await response.json() };
      } catch (error) {
        const reason = `its answer could not be read (${isTimeout(error) ? "timeout" : (error as Error).message})`;
        return {
          reached: false,
          reason: redact(`TTS at ${call.ttsUrl}: ${reason}`, call.apiKey),
          maybeProcessed: true,
        };
      }
    }
    // The answer is all we need; a body that cannot be drained changes nothing about it.
    await response.body?.cancel().catch(() => undefined);
    return { reached: true, status: response.status, ok: true };
  }
  const body = await readErrorBody(response);
  const retryAfter = retryAfterSeconds(response.headers.get("retry-after"));
  return {
    reached: true,
    status: response.status,
    ok: false,
    ...(body.code !== undefined ? { code: body.code } : {}),
    ...(body.message !== undefined ? { message: redact(body.message, call.apiKey) } : {}),
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
  };
}

/** TTS answered, and refused: its HTTP status with TTS's message. Each kind of refusal names itself. */
export abstract class TtsStatusError extends Error {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** `TTS answered 503: <TTS's message>`, for operators and applications. */
export function answerText(answer: Extract<TtsAnswer, { reached: true }>): string {
  return `TTS answered ${answer.status}${answer.message ? `: ${answer.message}` : ""}`;
}

/** `Retry-After` is seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** TTS error bodies are JSON; anything else is shown as text, shortened. */
async function readErrorBody(response: TtsResponse): Promise<{ code?: number; message?: string }> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; details?: unknown };
    const missing = missingRights(body.details);
    return {
      ...(typeof body.code === "number" ? { code: body.code } : {}),
      ...(typeof body.message === "string"
        ? { message: missing.length > 0 ? `${body.message}; missing rights: ${missing.join(", ")}` : body.message }
        : {}),
    };
  } catch {
    return text.trim() ? { message: text.trim().slice(0, 300) } : {};
  }
}

/**
 * The rights a 403 says the key lacks: TTS's `insufficient_application_rights` error names them in
 * its details' `missing` attribute (lorawan-stack `pkg/auth/rights`), not in its message.
 */
function missingRights(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((detail) => {
    const missing = (detail as { attributes?: { missing?: unknown } } | null)?.attributes?.missing;
    return Array.isArray(missing) ? missing.filter((right): right is string => typeof right === "string") : [];
  });
}

function redact(text: string, apiKey: string): string {
  return apiKey === "" ? text : text.split(apiKey).join("<redacted>");
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function networkCode(error: unknown): string | undefined {
  return (error as { cause?: { code?: string } }).cause?.code;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
