/**
 * Thing names, the same as TTS's AWS IoT default integration:
 * - `DevEUI`: the DevEUI in upper-case hex (`0004A30B001C0530`);
 * - `DeviceID`: `<stackName>_<device_id>`, also the fallback for devices without a DevEUI (ABP).
 */
import type { EndDeviceIds } from "./tts-message.ts";

export const THING_NAME_SCHEMES = ["DevEUI", "DeviceID"] as const;
export type ThingNameScheme = (typeof THING_NAME_SCHEMES)[number];

/** CloudFormation's and our stack name rule; it also keeps `<stack>_<device>` a valid thing name. */
export const STACK_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9-]*$/;

/**
 * IAM role names (≤ 64) are `<stackName>-<longest suffix>`; thing names (≤ 128) `<stackName>_<device_id>`
 * with a TTS device id of ≤ 36: 32 keeps both within AWS's limits.
 */
export const MAX_STACK_NAME_LENGTH = 32;

/** AWS IoT thing name rule. */
export const THING_NAME_PATTERN = /^[a-zA-Z0-9:_-]{1,128}$/;

export function thingNameFor(ids: EndDeviceIds, scheme: ThingNameScheme, stackName: string): string {
  if (scheme === "DevEUI" && ids.dev_eui !== undefined) {
    return ids.dev_eui.toUpperCase();
  }
  return `${stackName}_${ids.device_id}`;
}

/** The searchable and informative attributes a thing gets when we create it. */
export function thingAttributesFor(
  ids: EndDeviceIds,
  stackName: string,
): Record<string, string> & { stackName: string } {
  return {
    stackName,
    deviceID: ids.device_id,
    applicationID: ids.application_ids.application_id,
    ...(ids.dev_eui !== undefined ? { devEUI: ids.dev_eui.toUpperCase() } : {}),
  };
}
