/** ValidateAttributes step of the provisioning workflow (see `validate-device-thing.ts`). */

import { ThingNameSchema } from "../core/thing-name-schema.ts";
import * as z from "../core/zod.ts";
import { type Environment, iotClientFor, type SdkOverrides } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { loadSettings } from "../settings.ts";
import { type ValidateDeviceThingDeps, validateDeviceThing } from "./validate-device-thing.ts";

export const ValidateDeviceThingInputSchema = z.object({ thingName: ThingNameSchema });

export function createValidateDeviceThingHandler(context: () => ValidateDeviceThingDeps) {
  return step(ValidateDeviceThingInputSchema, async (input) => validateDeviceThing(input, context()));
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}): ValidateDeviceThingDeps {
  const config = loadSettings("validate-device-thing", env);
  return {
    iot: iotClientFor(env, sdk),
    stackName: config.STACK_NAME,
    thingTypeName: config.THING_TYPE_NAME,
    defaults: {
      applicationId: config.TTS_APPLICATION_ID,
      applicationIds: [config.TTS_APPLICATION_ID],
      frequencyPlanId: config.FREQUENCY_PLAN_ID,
      lorawanVersion: config.LORAWAN_VERSION,
      regionalParametersVersion: config.REGIONAL_PARAMETERS_VERSION,
    },
  };
}

export const handler = createValidateDeviceThingHandler(once(() => contextFromEnvironment(process.env)));
