/** Push step: one push of a validated downlink to the device's TTS queue (see `enqueue-downlink.ts`). */

import { DownlinkRequestShapeSchema } from "../core/downlink/request.ts";
import * as z from "../core/zod.ts";
import type { Environment, SdkOverrides } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { type TtsStepContext, ttsDeps, ttsStepContextFromEnvironment } from "../tts/step-context.ts";
import { pushDownlink } from "./enqueue-downlink.ts";

export const EnqueueDownlinkInputSchema = z.object({
  request: DownlinkRequestShapeSchema,
  applicationId: z.string().check(z.minLength(1)),
  deviceId: z.string().check(z.minLength(1)),
  correlationIds: z.array(z.string()),
  attempt: z.number().check(z.int(), z.minimum(1)),
});

export type EnqueueDownlinkContext = TtsStepContext<"enqueue-downlink">;

export function createEnqueueDownlinkHandler(context: () => EnqueueDownlinkContext) {
  return step(EnqueueDownlinkInputSchema, async (input) => {
    const stepContext = context();
    return pushDownlink(input, {
      ...ttsDeps(stepContext),
      retryAfterMaxSeconds: stepContext.config.TTS_RETRY_AFTER_MAX_SECONDS,
    });
  });
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}): EnqueueDownlinkContext {
  return ttsStepContextFromEnvironment("enqueue-downlink", env, undefined, sdk);
}

export const handler = createEnqueueDownlinkHandler(once(() => contextFromEnvironment(process.env)));
