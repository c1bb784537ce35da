/**
 * ValidateAttributes step: reads the thing from the registry itself (the rule hands over its name
 * only: the registry event carries the root keys, which must not enter the workflow) and checks its
 * attributes (DESIGN §6). Its output is the device to create, without the keys.
 *
 * Not every created thing of ours is a request: the upstream workflow creates things for devices TTS
 * has already, and a repeated event may come after this workflow removed the keys. Those, things of
 * another deployment or type, and things deleted meanwhile are skipped, not failed.
 */
import type { IoTClient } from "@aws-sdk/client-iot";
import {
  type EndDeviceSpec,
  endDeviceSpec,
  isRegisteredInTts,
  type ProvisioningDefaults,
} from "../core/provisioning/device-attributes.ts";
import { describeExistingThing } from "../runtime/existing-thing.ts";

export interface ValidateDeviceThingDeps {
  readonly iot: IoTClient;
  readonly stackName: string;
  readonly thingTypeName: string;
  readonly defaults: ProvisioningDefaults;
}

/** Every field always present (null when it does not apply): the workflow's ResultSelector reads them all. */
export type ValidateDeviceThingResult =
  | { readonly action: "provision"; readonly device: EndDeviceSpec; readonly reason: null }
  | { readonly action: "skip"; readonly device: null; readonly reason: string };

const skip = (reason: string): ValidateDeviceThingResult => ({ action: "skip", device: null, reason });

export async function validateDeviceThing(
  input: { readonly thingName: string },
  deps: ValidateDeviceThingDeps,
): Promise<ValidateDeviceThingResult> {
  const { thingName } = input;
  const thing = await describeExistingThing(deps.iot, thingName);
  if (thing === undefined) return skip("the thing was deleted before it could be provisioned");
  const { attributes } = thing;
  if (thing.thingTypeName !== deps.thingTypeName || attributes["stackName"] !== deps.stackName) {
    return skip("the thing is not of this deployment's thing type and stackName (any more)");
  }
  if (isRegisteredInTts(attributes)) {
    return skip("the thing has deviceID and applicationID and no root keys: its device is in TTS already");
  }
  return { action: "provision", device: endDeviceSpec(thingName, attributes, deps.defaults), reason: null };
}
