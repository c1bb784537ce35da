/** The key-free device the provisioning steps hand each other (`EndDeviceSpec`), as their input schemas read it. */

import { ThingNameSchema } from "../thing-name-schema.ts";
import { ttsIdSchema } from "../tts-id.ts";
import * as z from "../zod.ts";
import { LORAWAN_VERSIONS, REGIONAL_PARAMETERS_VERSIONS } from "./device-attributes.ts";

const Eui = z.string().check(z.regex(/^[0-9A-F]{16}$/, "must be 16 upper-case hexadecimal digits"));

export const EndDeviceSpecSchema = z.object({
  thingName: ThingNameSchema,
  applicationId: ttsIdSchema("application ID"),
  deviceId: ttsIdSchema("device ID"),
  devEui: Eui,
  joinEui: Eui,
  lorawanVersion: z.enum(Object.values(LORAWAN_VERSIONS)),
  lorawanPhyVersion: z.enum([...new Set(Object.values(REGIONAL_PARAMETERS_VERSIONS))]),
  frequencyPlanId: z.string().check(z.minLength(1)),
});

/** What a delete needs: the device's ids (from the thing's attributes, or the device being rolled back). */
export const DeviceIdsSchema = z.object({
  applicationId: ttsIdSchema("application ID"),
  deviceId: ttsIdSchema("device ID"),
});
