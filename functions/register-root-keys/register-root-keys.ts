/**
 * CreateInJS step: hands the device's root keys to the Join Server. The only step that reads them,
 * from the thing itself, so they never travel through the workflow's input, state, output or logs;
 * its result says which registry, not what. The next steps remove them from the thing.
 */
import { DescribeThingCommand, type IoTClient, ResourceNotFoundException } from "@aws-sdk/client-iot";
import { type EndDeviceSpec, rootKeysOf } from "../core/provisioning/device-attributes.ts";
import { serverAddressOf, setInJoinServer } from "../tts/end-devices.ts";
import { sendToRegistry } from "../tts/registry-call.ts";
import type { TtsDeps } from "../tts/step-context.ts";

/** The thing was deleted while its device was being created: the keys are gone with it. */
export class ThingDeletedError extends Error {
  override readonly name = "ThingDeleted";
}

export async function registerRootKeys(
  input: { readonly device: EndDeviceSpec },
  deps: TtsDeps & { readonly iot: IoTClient },
): Promise<{ readonly registry: "js"; readonly created: true }> {
  const { device } = input;
  let attributes: Record<string, string>;
  try {
    attributes = (await deps.iot.send(new DescribeThingCommand({ thingName: device.thingName }))).attributes ?? {};
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new ThingDeletedError(`thing "${device.thingName}" was deleted before its root keys reached TTS`);
    }
    throw error;
  }
  const rootKeys = rootKeysOf(device.thingName, attributes, device.lorawanVersion);
  await sendToRegistry(setInJoinServer(device, serverAddressOf(deps.ttsUrl), rootKeys), device.applicationId, deps);
  return { registry: "js", created: true };
}
