/**
 * Republish step: sends the TTS message, byte for byte as TTS published it, to the thing's
 * `lorawan/<thing>/<event>` topic for applications.
 */
import type { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { publishTopicProblem } from "../core/aws-limits.ts";
import * as z from "../core/zod.ts";
import { type Environment, iotDataClientFor, type SdkOverrides } from "../runtime/aws-clients.ts";
import { publish } from "../runtime/iot-publish.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { loadSettings } from "../settings.ts";

export const RepublishInputSchema = z.object({
  // Only our own `lorawan/…` tree, never a wildcard: a bug upstream must not publish elsewhere.
  topic: z.string().check(
    z.regex(/^lorawan\/[^#+]+$/, "must be a lorawan/… topic without wildcards"),
    z.refine((topic) => publishTopicProblem(topic) === undefined, {
      error: (issue) => publishTopicProblem(String(issue.input)) ?? "is not a topic AWS IoT publishes on",
    }),
  ),
  payload: z.base64(),
});

export interface RepublishResult {
  readonly topic: string;
  readonly bytes: number;
}

export interface RepublishContext {
  readonly iotData: IoTDataPlaneClient;
}

export function createRepublishHandler(context: () => RepublishContext) {
  return step(RepublishInputSchema, async (input): Promise<RepublishResult> => {
    const payload = Buffer.from(input.payload, "base64");
    await publish(input.topic, payload, context().iotData);
    return { topic: input.topic, bytes: payload.length };
  });
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}): RepublishContext {
  return { iotData: iotDataClientFor(env, loadSettings("republish", env).IOT_DATA_ENDPOINT, sdk) };
}

export const handler = createRepublishHandler(once(() => contextFromEnvironment(process.env)));
