/** CreateInIS / CreateInNS / CreateInAS and every delete of the provisioning workflow (see `register-end-device.ts`). */
import { DeviceIdsSchema, EndDeviceSpecSchema } from "../core/provisioning/end-device-input.ts";
import * as z from "../core/zod.ts";
import type { Environment, SdkOverrides } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { TTS_REGISTRIES } from "../tts/end-devices.ts";
import { type TtsStepContext, ttsDeps, ttsStepContextFromEnvironment } from "../tts/step-context.ts";
import { createEndDevice, deleteEndDevice } from "./register-end-device.ts";

export const RegisterEndDeviceInputSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("create"), registry: z.enum(["is", "ns", "as"]), device: EndDeviceSpecSchema }),
  z.object({ action: z.literal("delete"), registry: z.enum(TTS_REGISTRIES), device: DeviceIdsSchema }),
]);

export type RegisterEndDeviceContext = TtsStepContext<"register-end-device">;

export function createRegisterEndDeviceHandler(context: () => RegisterEndDeviceContext) {
  return step(RegisterEndDeviceInputSchema, async (input) => {
    const deps = ttsDeps(context());
    return input.action === "create"
      ? createEndDevice({ registry: input.registry, device: input.device }, deps)
      : deleteEndDevice({ registry: input.registry, device: input.device }, deps);
  });
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}): RegisterEndDeviceContext {
  return ttsStepContextFromEnvironment("register-end-device", env, undefined, sdk);
}

export const handler = createRegisterEndDeviceHandler(once(() => contextFromEnvironment(process.env)));
