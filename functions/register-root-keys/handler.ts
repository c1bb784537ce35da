/** CreateInJS step of the provisioning workflow (see `register-root-keys.ts`). */
import type { IoTClient } from "@aws-sdk/client-iot";
import { EndDeviceSpecSchema } from "../core/provisioning/end-device-input.ts";
import * as z from "../core/zod.ts";
import { type Environment, iotClientFor, type SdkOverrides } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { type TtsStepContext, ttsDeps, ttsStepContextFromEnvironment } from "../tts/step-context.ts";
import { registerRootKeys } from "./register-root-keys.ts";

export const RegisterRootKeysInputSchema = z.object({ device: EndDeviceSpecSchema });

export type RegisterRootKeysContext = TtsStepContext<"register-root-keys"> & { readonly iot: IoTClient };

export function createRegisterRootKeysHandler(context: () => RegisterRootKeysContext) {
  return step(RegisterRootKeysInputSchema, async (input) => {
    const stepContext = context();
    return registerRootKeys(input, { ...ttsDeps(stepContext), iot: stepContext.iot });
  });
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}): RegisterRootKeysContext {
  return {
    ...ttsStepContextFromEnvironment("register-root-keys", env, undefined, sdk),
    iot: iotClientFor(env, sdk),
  };
}

export const handler = createRegisterRootKeysHandler(once(() => contextFromEnvironment(process.env)));
