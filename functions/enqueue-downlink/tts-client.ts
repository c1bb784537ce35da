/**
 * One TTS downlink queue call (TTS v3: `POST …/down/push|replace`), classified: accepted, refused for
 * good (with TTS's own message), or unavailable (worth retrying: 408/429/5xx, network errors,
 * timeouts — with `Retry-After` if given).
 */
import { ttsFailureFor, type TtsFailure } from "../core/downlink-errors.ts";
import { ttsDownlinkQueueRequest, ttsQueuePath, type DownlinkRequest } from "../core/downlink-request.ts";
import { answerText, callTts } from "../runtime/tts-http.ts";

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

export async function callTtsQueue(call: TtsQueueCall, fetchImpl?: typeof fetch): Promise<TtsQueueOutcome> {
  const path = ttsQueuePath(call.applicationId, call.deviceId, call.request.replace);
  const answer = await callTts({
    ttsUrl: call.ttsUrl,
    apiKey: call.apiKey,
    method: "POST",
    path,
    body: ttsDownlinkQueueRequest(call.request, { correlationIds: call.correlationIds }),
    timeoutMs: call.timeoutMs,
    fetch: fetchImpl,
  });
  if (!answer.reached) {
    return { ok: false, path, failure: ttsFailureFor(503), status: undefined, message: answer.reason, retryAfterSeconds: undefined };
  }
  if (answer.ok) return { ok: true, path };
  return {
    ok: false,
    path,
    failure: ttsFailureFor(answer.status, answer.code),
    status: answer.status,
    message: answerText(answer),
    retryAfterSeconds: answer.retryAfterSeconds,
  };
}
