/** RecordOnThing step of the provisioning workflow (see `record-provisioning.ts`). */
import type { IoTClient } from "@aws-sdk/client-iot";
import { EndDeviceSpecSchema } from "../core/provisioning/end-device-input.ts";
import * as z from "../core/zod.ts";
import { type Environment, iotClientFor, type SdkOverrides } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { recordProvisioning } from "./record-provisioning.ts";

export const RecordProvisioningInputSchema = z.object({ device: EndDeviceSpecSchema });

export function createRecordProvisioningHandler(context: () => { readonly iot: IoTClient }) {
  return step(RecordProvisioningInputSchema, async (input) => recordProvisioning(input, context()));
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}) {
  return { iot: iotClientFor(env, sdk) };
}

export const handler = createRecordProvisioningHandler(once(() => contextFromEnvironment(process.env)));
