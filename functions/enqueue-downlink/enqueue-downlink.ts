/**
 * Pushes a validated downlink to the device's TTS queue, once: no retry here. The answer becomes an
 * outcome the workflow acts on (see `PushResult`) — enqueued, refused for good, not taken
 * (`unavailable`), or `unknown` when TTS may have queued it without saying so; the workflow then
 * looks into the queue before it pushes again (`find-queued-downlink`), and waits `retryInSeconds`
 * in a Wait state (TTS's `Retry-After` included) rather than in this paid function.
 */
import type { DownlinkRequest } from "../core/downlink/request.ts";
import type { PushResult, StepFailure } from "../core/downlink/steps.ts";
import { pushToTtsQueue, type TtsPushOutcome } from "../tts/downlink-queue.ts";
import type { TtsDeps } from "../tts/step-context.ts";

export interface PushInput {
  readonly request: DownlinkRequest;
  readonly applicationId: string;
  readonly deviceId: string;
  readonly correlationIds: readonly string[];
  /** 1 for the first push of this request, 2 for the next… (sets the backoff). */
  readonly attempt: number;
}

export interface PushDeps extends TtsDeps {
  readonly retryAfterMaxSeconds: number;
  /** [0, 1), for the backoff's jitter. */
  readonly random?: () => number;
}

/** Full-jitter exponential backoff: up to 2 s after the first push, 4 s, 8 s, at most 16 s. */
export function backoffSeconds(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(2 ** Math.max(1, attempt), 16);
  return Math.max(1, Math.ceil(random() * ceiling));
}

export async function pushDownlink(input: PushInput, deps: PushDeps): Promise<PushResult> {
  const ids = { application_id: input.applicationId, device_id: input.deviceId };
  const retryInSeconds = backoffSeconds(input.attempt, deps.random);
  const final = (failure: StepFailure, path: string | null = null): PushResult => ({
    outcome: "refused",
    path,
    failure,
    retryInSeconds,
  });
  const key = await deps.apiKeys.lookup(input.applicationId);
  if ("missing" in key) return final({ code: "tts_api_key_missing", message: key.missing, attributes: ids });
  const { apiKey } = key;

  let outcome: TtsPushOutcome;
  try {
    outcome = await pushToTtsQueue(
      { ttsUrl: deps.ttsUrl, apiKey, ...input, timeoutMs: deps.timeoutMs },
      deps.transport,
    );
  } catch (error) {
    // Whatever failed may have failed after the request left: only the queue can tell, never a blind retry.
    const message = `the push failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
    outcome = { kind: "unknown", path: null, status: undefined, message, retryAfterSeconds: undefined };
  }
  switch (outcome.kind) {
    case "enqueued":
      return { outcome: "enqueued", path: outcome.path, failure: null, retryInSeconds: 0 };
    case "refused":
      if (outcome.failure.name === "tts_unauthorized") deps.apiKeys.forget();
      return final(
        {
          code: outcome.failure.name,
          message: outcome.message,
          grpcCode: outcome.failure.code,
          attributes: { ...ids, http_status: outcome.status },
        },
        outcome.path,
      );
    case "unavailable":
    case "unknown": {
      const retryAfter = Math.min(outcome.retryAfterSeconds ?? 0, deps.retryAfterMaxSeconds);
      return {
        outcome: outcome.kind,
        path: outcome.path,
        failure: {
          code: "tts_unavailable",
          message: outcome.message,
          attributes: { ...ids, ...(outcome.status !== undefined ? { http_status: outcome.status } : {}) },
        },
        retryInSeconds: Math.max(retryInSeconds, Math.ceil(retryAfter)),
      };
    }
  }
}
