/**
 * UpdateShadow step: reports what the TTS message tells about the device (radio metrics, counters,
 * session, location) in its `lorawan` named shadow. No call at all when shadow metrics are off or the
 * message tells nothing new.
 */

import type { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { type ShadowReport, shadowReportFor } from "../core/shadow-report.ts";
import { ThingNameSchema } from "../core/thing-name-schema.ts";
import { parseTtsPayload } from "../core/tts-message.ts";
import * as z from "../core/zod.ts";
import { type Environment, iotDataClientFor, type SdkOverrides } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { loadSettings, type Settings } from "../settings.ts";
import { updateShadowWithinLimits, withoutPayload } from "./update-shadow.ts";

export const UpdateShadowInputSchema = z.object({
  thingName: ThingNameSchema,
  /** The TTS message as the rule delivered it, base64 (the workflow carries it once, undecoded). */
  payload: z.base64(),
  receivedAt: z.iso.datetime({ offset: true }),
});

export type UpdateShadowResult =
  | {
      readonly updated: true;
      readonly version?: number;
      readonly reported: ShadowReport;
      /** What was left out so that AWS takes the update, e.g. `payload_dropped`. */
      readonly warnings?: readonly string[];
    }
  | { readonly updated: false; readonly reason: "shadow metrics are off" | "nothing to report" };

export interface UpdateShadowContext {
  readonly config: Settings<"update-shadow">;
  readonly iotData: IoTDataPlaneClient;
}

export function createUpdateShadowHandler(context: () => UpdateShadowContext) {
  return step(UpdateShadowInputSchema, async (input): Promise<UpdateShadowResult> => {
    const { config, iotData } = context();
    if (!config.SHADOW_METRICS) return { updated: false, reason: "shadow metrics are off" };

    const { kind, message } = parseTtsPayload(Buffer.from(input.payload, "base64"));
    const reported = shadowReportFor(kind, message, {
      fallbackTime: input.receivedAt,
      includeDecodedPayload: config.SHADOW_DECODED_PAYLOAD,
    });
    if (Object.keys(reported).length === 0) return { updated: false, reason: "nothing to report" };

    const { version, warnings } = await updateShadowWithinLimits({ thingName: input.thingName, reported }, iotData);
    return {
      updated: true,
      ...(version === undefined ? {} : { version }),
      reported: warnings.length > 0 ? withoutPayload(reported) : reported,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  });
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}): UpdateShadowContext {
  const config = loadSettings("update-shadow", env);
  return { config, iotData: iotDataClientFor(env, config.IOT_DATA_ENDPOINT, sdk) };
}

export const handler = createUpdateShadowHandler(once(() => contextFromEnvironment(process.env)));
