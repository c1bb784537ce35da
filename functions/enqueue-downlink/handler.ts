/** Push step: one push of a validated downlink to the device's TTS queue (see `enqueue-downlink.ts`). */
import { z } from "zod";
import { DownlinkRequestShapeSchema } from "../core/downlink/request.ts";
import type { Environment } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { loadSettings, type Settings } from "../settings.ts";
import { type ApiKeys, apiKeysFor } from "../tts/api-keys.ts";
import { pushDownlink } from "./enqueue-downlink.ts";

export const EnqueueDownlinkInputSchema = z.object({
  request: DownlinkRequestShapeSchema,
  applicationId: z.string().min(1),
  deviceId: z.string().min(1),
  correlationIds: z.array(z.string()),
  attempt: z.number().int().min(1),
});

export interface EnqueueDownlinkContext {
  readonly config: Settings<"enqueue-downlink">;
  readonly apiKeys: ApiKeys;
  readonly fetch?: typeof fetch;
}

export function createEnqueueDownlinkHandler(context: () => EnqueueDownlinkContext) {
  return step(EnqueueDownlinkInputSchema, async (input) => {
    const { config, apiKeys, fetch } = context();
    return pushDownlink(input, {
      apiKeys,
      ttsUrl: config.TTS_URL,
      timeoutMs: config.TTS_REQUEST_TIMEOUT_MS,
      retryAfterMaxSeconds: config.TTS_RETRY_AFTER_MAX_SECONDS,
      fetch,
    });
  });
}

export function contextFromEnvironment(env: Environment): EnqueueDownlinkContext {
  const config = loadSettings("enqueue-downlink", env);
  return { config, apiKeys: apiKeysFor(env, config) };
}

export const handler = createEnqueueDownlinkHandler(once(() => contextFromEnvironment(process.env)));
