/**
 * When a device registered through TTS's registries can talk: once all four servers have it, with
 * matching EUIs in the Identity and Join Servers, an AppKey in the Join Server and over-the-air
 * activation in the Network Server — what a real device needs to join. The simulator then adds it to
 * the fleet, and takes it out again when any of that goes.
 */
import type { EndDeviceRegistries } from "./end-device-registries.ts";
import { getAt, isObject } from "./field-mask.ts";
import type { ProvisionedDevice } from "./fleet.ts";

export function provisionedDevice(
  registries: EndDeviceRegistries,
  applicationId: string,
  deviceId: string,
): ProvisionedDevice | undefined {
  const identity = registries.identity.get(applicationId, deviceId);
  const join = registries.join.get(applicationId, deviceId);
  const network = registries.network.get(applicationId, deviceId);
  if (identity === undefined || join === undefined || network === undefined) return undefined;
  if (!registries.application.has(applicationId, deviceId)) return undefined;
  const devEui = getAt(identity, "ids.dev_eui");
  const joinEui = getAt(identity, "ids.join_eui");
  if (typeof devEui !== "string" || typeof joinEui !== "string") return undefined;
  if (getAt(join, "ids.dev_eui") !== devEui || getAt(join, "ids.join_eui") !== joinEui) return undefined;
  if (typeof getAt(join, "root_keys.app_key.key") !== "string" || network["supports_join"] !== true) return undefined;
  return { applicationId, deviceId, devEui, joinEui, attributes: stringAttributes(identity["attributes"]) };
}

function stringAttributes(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}
