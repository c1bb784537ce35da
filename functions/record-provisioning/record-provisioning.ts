/**
 * RecordOnThing step: once TTS has the device, the thing says which TTS device it is (`deviceID`,
 * `applicationID`, what the upstream and downlink workflows read) and loses its root keys: an
 * UpdateThing with a merged attribute payload, where an empty value removes an attribute
 * (AWS IoT API Reference, UpdateThing / AttributePayload). The thing type stays.
 */
import { type IoTClient, UpdateThingCommand } from "@aws-sdk/client-iot";
import { KEY_ATTRIBUTES } from "../core/provisioning/device-attributes.ts";

export function recordedAttributes(device: {
  readonly applicationId: string;
  readonly deviceId: string;
}): Record<string, string> {
  return {
    deviceID: device.deviceId,
    applicationID: device.applicationId,
    ...Object.fromEntries(KEY_ATTRIBUTES.map((name) => [name, ""])),
  };
}

export async function recordProvisioning(
  input: { readonly device: { readonly thingName: string; readonly applicationId: string; readonly deviceId: string } },
  deps: { readonly iot: IoTClient },
): Promise<{ readonly keysRemoved: readonly string[] }> {
  await deps.iot.send(
    new UpdateThingCommand({
      thingName: input.device.thingName,
      removeThingType: false,
      attributePayload: { attributes: recordedAttributes(input.device), merge: true },
    }),
  );
  return { keysRemoved: [...KEY_ATTRIBUTES] };
}
