/** Publishes the provisioning workflow's outcome (see `provisioning-feedback.ts`); a failure's name and message feed the Fail state. */
import type { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { THING_NAME_PATTERN } from "../core/thing-name.ts";
import * as z from "../core/zod.ts";
import { type Environment, iotDataClientFor, type SdkOverrides } from "../runtime/aws-clients.ts";
import { publish } from "../runtime/iot-publish.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { loadSettings } from "../settings.ts";
import { TTS_REGISTRIES } from "../tts/end-devices.ts";
import { provisioningFeedback } from "./provisioning-feedback.ts";

const DeviceIds = z.object({
  applicationId: z.string(),
  deviceId: z.string(),
  devEui: z.optional(z.string()),
  joinEui: z.optional(z.string()),
});
const Caught = z.object({ Error: z.string(), Cause: z.optional(z.string()) });
const ThingName = z.string().check(z.regex(THING_NAME_PATTERN));

export const ProvisioningFeedbackInputSchema = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("created"), thingName: ThingName, device: DeviceIds, newInTts: z.boolean() }),
  z.object({ outcome: z.literal("deleted"), thingName: ThingName, device: DeviceIds }),
  z.object({
    outcome: z.literal("failed"),
    thingName: ThingName,
    state: z.object({
      validation: z.optional(z.object({ device: z.optional(DeviceIds) })),
      error: Caught,
      undo: z.optional(z.partialRecord(z.enum(TTS_REGISTRIES), z.unknown())),
      undoFailed: z.optional(z.partialRecord(z.enum(TTS_REGISTRIES), Caught)),
    }),
  }),
]);

export function createProvisioningFeedbackHandler(context: () => { readonly iotData: IoTDataPlaneClient }) {
  return step(ProvisioningFeedbackInputSchema, async (input) => {
    const { topic, message } = provisioningFeedback(input, new Date().toISOString());
    await publish(topic, new TextEncoder().encode(JSON.stringify(message)), context().iotData);
    return {
      topic,
      ...("error" in message ? { error: message.error.name, message: message.error.message } : {}),
    };
  });
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}) {
  return { iotData: iotDataClientFor(env, loadSettings("provisioning-feedback", env).IOT_DATA_ENDPOINT, sdk) };
}

export const handler = createProvisioningFeedbackHandler(once(() => contextFromEnvironment(process.env)));
