/** CheckQueue / FindDuplicate step: is a downlink with this correlation id in the device's TTS queue? */
import * as z from "../core/zod.ts";
import type { Environment, SdkOverrides } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { type TtsStepContext, ttsDeps, ttsStepContextFromEnvironment } from "../tts/step-context.ts";
import { findQueuedDownlink } from "./find-queued-downlink.ts";

export const FindQueuedDownlinkInputSchema = z.object({
  applicationId: z.string().check(z.minLength(1)),
  deviceId: z.string().check(z.minLength(1)),
  correlationId: z.string().check(z.minLength(1)),
});

export type FindQueuedDownlinkContext = TtsStepContext<"find-queued-downlink">;

export function createFindQueuedDownlinkHandler(context: () => FindQueuedDownlinkContext) {
  return step(FindQueuedDownlinkInputSchema, async (input) => findQueuedDownlink(input, ttsDeps(context())));
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}): FindQueuedDownlinkContext {
  return ttsStepContextFromEnvironment("find-queued-downlink", env, undefined, sdk);
}

export const handler = createFindQueuedDownlinkHandler(once(() => contextFromEnvironment(process.env)));
