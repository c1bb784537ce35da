/**
 * Enqueue step: puts a validated downlink in the device's TTS queue. Final refusals are a result
 * (`enqueued: false` with the code), routed to the `failed` feedback; an unavailable TTS is a thrown
 * `TtsUnavailable`, which the workflow retries with backoff — after waiting out TTS's `Retry-After`
 * here first (bounded), so the next attempt does not come too early.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { ApiKeys } from "./api-keys.ts";
import { callTtsQueue } from "./tts-client.ts";
import type { DownlinkRequest } from "../core/downlink-request.ts";
import type { EnqueueResult } from "../core/downlink-steps.ts";
import { clientConfig, type Environment } from "../runtime/aws-clients.ts";
import { loadConfig } from "../runtime/config.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";

export class TtsUnavailableError extends Error {
  override readonly name = "TtsUnavailable";
}

export const EnqueueDownlinkConfigSchema = z.object({
  TTS_URL: z.url({ protocol: /^https?$/ }),
  TTS_API_KEY_SECRET_ARN: z.string().min(1),
  TTS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  TTS_API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(300),
  TTS_RETRY_AFTER_MAX_SECONDS: z.coerce.number().min(0).max(60).default(10),
});

export type EnqueueDownlinkConfig = z.output<typeof EnqueueDownlinkConfigSchema>;

/** The validated request as the Validate step produced it; checked for shape, not re-validated. */
const ValidatedRequestSchema = z.looseObject({
  thingName: z.string(),
  content: z.union([
    z.object({ kind: z.literal("bytes"), frmPayload: z.string() }),
    z.object({ kind: z.literal("payload"), decodedPayload: z.record(z.string(), z.unknown()) }),
  ]),
  fPort: z.number().int(),
  confirmed: z.boolean(),
  priority: z.enum(["HIGH", "NORMAL"]),
  replace: z.boolean(),
});

export const EnqueueDownlinkInputSchema = z.object({
  request: z.custom<DownlinkRequest>((value) => ValidatedRequestSchema.safeParse(value).success, "is not a validated downlink request"),
  applicationId: z.string().min(1),
  deviceId: z.string().min(1),
  correlationIds: z.array(z.string()),
});

export interface EnqueueDownlinkContext {
  readonly config: EnqueueDownlinkConfig;
  readonly apiKeys: ApiKeys;
  readonly fetch?: typeof fetch;
}

export function createEnqueueDownlinkHandler(context: () => EnqueueDownlinkContext) {
  return step(EnqueueDownlinkInputSchema, async (input): Promise<EnqueueResult> => {
    const { config, apiKeys, fetch: fetchImpl } = context();
    const apiKey = await apiKeys.forApplication(input.applicationId);
    if (apiKey === undefined) {
      return {
        enqueued: false,
        path: null,
        failure: {
          code: "tts_api_key_missing",
          message: `no TTS API key for application "${input.applicationId}" in the deployment's secret`,
          attributes: { application_id: input.applicationId },
        },
      };
    }
    const outcome = await callTtsQueue(
      {
        ttsUrl: config.TTS_URL,
        apiKey,
        applicationId: input.applicationId,
        deviceId: input.deviceId,
        request: input.request,
        correlationIds: input.correlationIds,
        timeoutMs: config.TTS_REQUEST_TIMEOUT_MS,
      },
      fetchImpl,
    );
    if (outcome.ok) return { enqueued: true, path: outcome.path, failure: null };

    if (outcome.failure.retryable) {
      if (outcome.retryAfterSeconds !== undefined) {
        await sleep(Math.min(outcome.retryAfterSeconds, config.TTS_RETRY_AFTER_MAX_SECONDS) * 1000);
      }
      throw new TtsUnavailableError(outcome.message);
    }
    if (outcome.failure.name === "tts_unauthorized") apiKeys.forget();
    return {
      enqueued: false,
      path: outcome.path,
      failure: {
        code: outcome.failure.name,
        message: outcome.message,
        grpcCode: outcome.failure.code,
        attributes: {
          application_id: input.applicationId,
          device_id: input.deviceId,
          ...(outcome.status !== undefined ? { http_status: outcome.status } : {}),
        },
      },
    };
  });
}

export function contextFromEnvironment(env: Environment): EnqueueDownlinkContext {
  const config = loadConfig(EnqueueDownlinkConfigSchema, env);
  return {
    config,
    apiKeys: new ApiKeys({
      client: new SecretsManagerClient(clientConfig(env, env["AWS_ENDPOINT_URL_SECRETS_MANAGER"])),
      secretId: config.TTS_API_KEY_SECRET_ARN,
      ttlSeconds: config.TTS_API_KEY_CACHE_SECONDS,
    }),
  };
}

export const handler = createEnqueueDownlinkHandler(once(() => contextFromEnvironment(process.env)));
