/** Publishes the provisioning workflow's outcome (see `provisioning-feedback.ts`); a failure's name and message feed the Fail state. */
import type { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { type Environment, iotDataClientFor, type SdkOverrides } from "../runtime/aws-clients.ts";
import { publish } from "../runtime/iot-publish.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { loadSettings } from "../settings.ts";
import { ProvisioningFeedbackInputSchema, provisioningFeedback } from "./provisioning-feedback.ts";

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
