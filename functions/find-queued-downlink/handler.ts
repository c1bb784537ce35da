/** CheckQueue / FindDuplicate step: is a downlink with this correlation id in the device's TTS queue? */
import { z } from "zod";
import type { Environment } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { loadSettings, type Settings } from "../settings.ts";
import { type ApiKeys, apiKeysFor } from "../tts/api-keys.ts";
import { findQueuedDownlink } from "./find-queued-downlink.ts";

export const FindQueuedDownlinkInputSchema = z.object({
  applicationId: z.string().min(1),
  deviceId: z.string().min(1),
  correlationId: z.string().min(1),
});

export interface FindQueuedDownlinkContext {
  readonly config: Settings<"find-queued-downlink">;
  readonly apiKeys: ApiKeys;
  readonly fetch?: typeof fetch;
}

export function createFindQueuedDownlinkHandler(context: () => FindQueuedDownlinkContext) {
  return step(FindQueuedDownlinkInputSchema, async (input) => {
    const { config, apiKeys, fetch } = context();
    return findQueuedDownlink(input, {
      apiKeys,
      ttsUrl: config.TTS_URL,
      timeoutMs: config.TTS_REQUEST_TIMEOUT_MS,
      fetch,
    });
  });
}

export function contextFromEnvironment(env: Environment): FindQueuedDownlinkContext {
  const config = loadSettings("find-queued-downlink", env);
  return { config, apiKeys: apiKeysFor(env, config) };
}

export const handler = createFindQueuedDownlinkHandler(once(() => contextFromEnvironment(process.env)));
