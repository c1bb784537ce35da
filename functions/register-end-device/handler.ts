/** CreateInIS / CreateInNS / CreateInAS and every delete of the provisioning workflow (see `register-end-device.ts`). */
import { DeviceIdsSchema, EndDeviceSpecSchema } from "../core/provisioning/end-device-input.ts";
import * as z from "../core/zod.ts";
import type { Environment, SdkOverrides } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { TTS_REGISTRIES } from "../tts/end-devices.ts";
import { type TtsStepContext, ttsDeps, ttsStepContextFromEnvironment } from "../tts/step-context.ts";
import { createEndDevice, deleteEndDevice } from "./register-end-device.ts";

export const RegisterEndDeviceInputSchema = z.union([
  z.object({
    action: z.literal("create"),
    registry: z.literal("is"),
    device: EndDeviceSpecSchema,
    // `$$.Execution.Id`: written on the device, so a retry after a lost answer knows it made it.
    executionId: z.string().check(z.minLength(1)),
  }),
  z.object({ action: z.literal("create"), registry: z.enum(["ns", "as"]), device: EndDeviceSpecSchema }),
  z.object({ action: z.literal("delete"), registry: z.enum(TTS_REGISTRIES), device: DeviceIdsSchema }),
]);

export type RegisterEndDeviceContext = TtsStepContext<"register-end-device">;

export function createRegisterEndDeviceHandler(context: () => RegisterEndDeviceContext) {
  return step(RegisterEndDeviceInputSchema, async (input) => {
    const deps = ttsDeps(context());
    return input.action === "create" ? createEndDevice(input, deps) : deleteEndDevice(input, deps);
  });
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}): RegisterEndDeviceContext {
  return ttsStepContextFromEnvironment("register-end-device", env, undefined, sdk);
}

export const handler = createRegisterEndDeviceHandler(once(() => contextFromEnvironment(process.env)));
