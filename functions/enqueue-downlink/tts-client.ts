/**
 * One TTS downlink queue call over HTTP (TTS v3: `POST …/down/push|replace`, Bearer API key), with a
 * timeout. The outcome is classified: accepted, refused for good (with TTS's own message), or
 * unavailable (worth retrying: 408/429/5xx, network errors, timeouts — with `Retry-After` if given).
 */
import { ttsFailureFor, type TtsFailure } from "../core/downlink-errors.ts";
import { ttsDownlinkQueueRequest, ttsQueuePath, type DownlinkRequest } from "../core/downlink-request.ts";

export interface TtsQueueCall {
  readonly ttsUrl: string;
  readonly apiKey: string;
  readonly applicationId: string;
  readonly deviceId: string;
  readonly request: DownlinkRequest;
  readonly correlationIds: readonly string[];
  readonly timeoutMs: number;
}

export type TtsQueueOutcome =
  | { readonly ok: true; readonly path: string }
  | {
      readonly ok: false;
      readonly path: string;
      readonly failure: TtsFailure;
      readonly status: number | undefined;
      /** TTS's (or the network's) explanation, for the operator and the application. */
      readonly message: string;
      readonly retryAfterSeconds: number | undefined;
    };

export async function callTtsQueue(call: TtsQueueCall, fetchImpl: typeof fetch = fetch): Promise<TtsQueueOutcome> {
  const path = ttsQueuePath(call.applicationId, call.deviceId, call.request.replace);
  const url = new URL(path, withTrailingSlash(call.ttsUrl)).toString();
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: "POST",
      headers: { authorization: `Bearer ${call.apiKey}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(ttsDownlinkQueueRequest(call.request, { correlationIds: call.correlationIds })),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
  } catch (error) {
    const reason = isTimeout(error) ? `no answer within ${call.timeoutMs} ms` : networkReason(error);
    return {
      ok: false,
      path,
      failure: ttsFailureFor(503),
      status: undefined,
      message: `TTS at ${call.ttsUrl} is unreachable: ${reason}`,
      retryAfterSeconds: undefined,
    };
  }
  if (response.ok) {
    await response.body?.cancel();
    return { ok: true, path };
  }
  const body = await readErrorBody(response);
  return {
    ok: false,
    path,
    failure: ttsFailureFor(response.status, body.code),
    status: response.status,
    message: `TTS answered ${response.status}${body.message ? `: ${body.message}` : ""}`,
    retryAfterSeconds: retryAfterSeconds(response.headers.get("retry-after")),
  };
}

/** TTS error bodies: `{"code": <gRPC>, "message": "error:pkg/…:name (text)", "details": […]}`. */
async function readErrorBody(response: Response): Promise<{ code?: number; message?: string }> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    return {
      ...(typeof body.code === "number" ? { code: body.code } : {}),
      ...(typeof body.message === "string" ? { message: body.message } : {}),
    };
  } catch {
    return text.trim() ? { message: text.trim().slice(0, 300) } : {};
  }
}

/** `Retry-After` is seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
