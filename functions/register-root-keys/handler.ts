/** CreateInJS step of the provisioning workflow (see `register-root-keys.ts`). */
import type { IoTClient } from "@aws-sdk/client-iot";
import { z } from "zod";
import { EndDeviceSpecSchema } from "../core/provisioning/end-device-input.ts";
import { type Environment, iotClientFor } from "../runtime/aws-clients.ts";
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

export function contextFromEnvironment(env: Environment): RegisterRootKeysContext {
  return { ...ttsStepContextFromEnvironment("register-root-keys", env), iot: iotClientFor(env) };
}

export const handler = createRegisterRootKeysHandler(once(() => contextFromEnvironment(process.env)));
