/**
 * CreateInJS step: hands the device's root keys to the Join Server. The only step that reads them,
 * from the thing itself, so they never travel through the workflow's input, state, output or logs;
 * its result says which registry, not what. The next steps remove them from the thing.
 */
import type { IoTClient } from "@aws-sdk/client-iot";
import { type EndDeviceSpec, isRegisteredInTts, rootKeysOf } from "../core/provisioning/device-attributes.ts";
import { describeExistingThing } from "../runtime/existing-thing.ts";
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
): Promise<{ readonly registry: "js"; readonly created: boolean }> {
  const { device } = input;
  const thing = await describeExistingThing(deps.iot, device.thingName);
  if (thing === undefined) {
    throw new ThingDeletedError(`thing "${device.thingName}" was deleted before its root keys reached TTS`);
  }
  // A repeated created event runs twice at once (at least once): the other execution has handed these
  // keys to the Join Server and recorded the device, keys removed. Nothing is left to do, and no failure.
  if (recordedAs(thing.attributes, device)) return { registry: "js", created: false };
  const rootKeys = rootKeysOf(device.thingName, thing.attributes, device.lorawanVersion);
  await sendToRegistry(setInJoinServer(device, serverAddressOf(deps.ttsUrl), rootKeys), device.applicationId, deps);
  return { registry: "js", created: true };
}

function recordedAs(attributes: Readonly<Record<string, string>>, device: EndDeviceSpec): boolean {
  return (
    isRegisteredInTts(attributes) &&
    attributes["deviceID"] === device.deviceId &&
    attributes["applicationID"] === device.applicationId
  );
}
