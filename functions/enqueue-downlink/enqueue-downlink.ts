/**
 * Puts a validated downlink in the device's TTS queue. Final refusals are a result (`enqueued:
 * false` with the code), for the `failed` feedback; an unavailable TTS is a thrown
 * `TtsUnavailableError`, which the workflow retries with backoff — after TTS's `Retry-After` has been
 * waited out here (bounded), so the next attempt does not come too early.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { DownlinkRequest } from "../core/downlink/request.ts";
import type { EnqueueResult } from "../core/downlink/steps.ts";
import { TtsUnavailableError } from "../core/errors.ts";
import { ApiKeySecretError, type ApiKeys } from "../tts/api-keys.ts";
import { callTtsQueue } from "../tts/downlink-queue.ts";

export interface EnqueueInput {
  readonly request: DownlinkRequest;
  readonly applicationId: string;
  readonly deviceId: string;
  readonly correlationIds: readonly string[];
}

export interface EnqueueDeps {
  readonly apiKeys: ApiKeys;
  readonly ttsUrl: string;
  readonly timeoutMs: number;
  readonly retryAfterMaxSeconds: number;
  readonly fetch?: typeof fetch | undefined;
}

export async function enqueueDownlink(input: EnqueueInput, deps: EnqueueDeps): Promise<EnqueueResult> {
  const ids = { application_id: input.applicationId, device_id: input.deviceId };
  let apiKey: string | undefined;
  try {
    apiKey = await deps.apiKeys.forApplication(input.applicationId);
  } catch (error) {
    if (!(error instanceof ApiKeySecretError)) throw error;
    return {
      enqueued: false,
      path: null,
      failure: { code: "tts_api_key_missing", message: error.message, attributes: ids },
    };
  }
  if (apiKey === undefined) {
    const message = `no TTS API key for application "${input.applicationId}" in the deployment's secret (put one, see the tts_api_keys_put_command output)`;
    return { enqueued: false, path: null, failure: { code: "tts_api_key_missing", message, attributes: ids } };
  }

  const outcome = await callTtsQueue({ ttsUrl: deps.ttsUrl, apiKey, ...input, timeoutMs: deps.timeoutMs }, deps.fetch);
  if (outcome.ok) return { enqueued: true, path: outcome.path, failure: null };

  if (outcome.failure.retryable) {
    if (outcome.retryAfterSeconds !== undefined) {
      await sleep(Math.min(outcome.retryAfterSeconds, deps.retryAfterMaxSeconds) * 1000);
    }
    throw new TtsUnavailableError(outcome.message);
  }
  if (outcome.failure.name === "tts_unauthorized") deps.apiKeys.forget();
  return {
    enqueued: false,
    path: outcome.path,
    failure: {
      code: outcome.failure.name,
      message: outcome.message,
      grpcCode: outcome.failure.code,
      attributes: { ...ids, ...(outcome.status !== undefined ? { http_status: outcome.status } : {}) },
    },
  };
}
