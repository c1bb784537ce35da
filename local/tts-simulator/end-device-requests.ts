/**
 * The end device registries' requests as TTS answers them (DESIGN §6): Identity Server create, get,
 * delete; Join, Network and Application Server set (an upsert under a field mask), get, delete. Each
 * validates what TTS validates for the paths named, requires the rights TTS requires beyond the
 * route's (keys named in a mask), and throws TTS's error otherwise. Messages never repeat a key.
 */
import { isTtsId, TTS_ID_MAX_LENGTH, TTS_ID_PATTERN } from "../../functions/core/tts-id.ts";
import { REGISTRY_NAMES } from "../../functions/tts/end-devices.ts";
import type { EndDeviceJson, EndDeviceRegistries } from "./end-device-registries.ts";
import { applyFieldMask, forbiddenPaths, getAt, isObject, maskCovers, selectFields } from "./field-mask.ts";
import { macVersion, phyVersion } from "./lorawan-versions.ts";
import type { TtsRight } from "./rights.ts";
import { ttsErrors } from "./tts-api-errors.ts";
import {
  AS_GET_PATHS,
  AS_SET_PATHS,
  IS_GET_PATHS,
  JS_GET_PATHS,
  JS_SET_PATHS,
  NS_GET_PATHS,
  NS_SET_PATHS,
} from "./tts-field-masks.ts";

export type SetServer = "js" | "ns" | "as";
type Server = "is" | SetServer;

export interface DeviceRequest {
  readonly applicationId: string;
  /** From the path; absent for the Identity Server's create, which takes it from the body. */
  readonly deviceId?: string;
  /** Throws TTS's 403 unless the key holds these rights too. */
  readonly requireRights: (rights: readonly TtsRight[]) => void;
  readonly now: Date;
}

const EUI = /^[0-9A-Fa-f]{16}$/;
const AES_128_KEY = /^[0-9A-Fa-f]{32}$/;
/** TTS's frequency plan IDs (`EU_863_870_TTN`, `US_902_928_FSB_2`); the simulator does not load TTS's plan list. */
const FREQUENCY_PLAN_ID = /^[A-Z0-9][A-Z0-9_-]{1,63}$/;

const GET_PATHS: Record<Server, ReadonlySet<string>> = {
  is: IS_GET_PATHS,
  js: JS_GET_PATHS,
  ns: NS_GET_PATHS,
  as: AS_GET_PATHS,
};
const SET_PATHS: Record<SetServer, ReadonlySet<string>> = { js: JS_SET_PATHS, ns: NS_SET_PATHS, as: AS_SET_PATHS };

/** Fields whose values are keys: reading them needs `…_READ_KEYS`, writing `…_WRITE_KEYS` (each server's handler). */
const KEY_FIELDS: Record<Server, { readonly read: readonly string[]; readonly write: readonly string[] }> = {
  is: { read: [], write: [] },
  js: {
    read: ["root_keys.app_key.key", "root_keys.nwk_key.key"],
    write: ["root_keys.app_key.key", "root_keys.nwk_key.key", "root_keys.root_key_id"],
  },
  ns: {
    read: ["session.keys.f_nwk_s_int_key.key", "session.keys.s_nwk_s_int_key.key", "session.keys.nwk_s_enc_key.key"],
    write: [
      "session.keys.f_nwk_s_int_key.key",
      "session.keys.s_nwk_s_int_key.key",
      "session.keys.nwk_s_enc_key.key",
      "session.keys.session_key_id",
    ],
  },
  as: { read: ["session.keys.app_s_key.key"], write: ["session.keys.app_s_key.key"] },
};

/** The end device fields the Identity Server keeps (what its Get may return). */
const IS_FIELDS = new Set([...IS_GET_PATHS].map((path) => path.split(".")[0]!));

/** `POST /api/v3/applications/{application_id}/devices`: TTS's `CreateEndDeviceRequest` takes the whole device, no mask. */
export function createInIdentityServer(
  registries: EndDeviceRegistries,
  request: DeviceRequest,
  body: unknown,
): EndDeviceJson {
  const given = endDeviceOf(body);
  const deviceId = getAt(given, "ids.device_id");
  if (typeof deviceId !== "string") throw ttsErrors.validation("ids.device_id", "value is required");
  checkDeviceId(deviceId);
  const ids = idsOf(given, request.applicationId, deviceId);
  const registry = registries.identity;
  if (registry.has(request.applicationId, deviceId)) throw ttsErrors.idTaken();
  if (ids.dev_eui !== undefined) {
    // The whole registry is searched, but only the owner copied: a create stays cheap with 10,000 devices.
    const owner = registry.find(
      (device) => getAt(device, "ids.dev_eui") === ids.dev_eui && getAt(device, "ids.join_eui") === ids.join_eui,
    );
    if (owner !== undefined) {
      throw ttsErrors.endDeviceEuisTaken({
        joinEui: ids.join_eui ?? "0000000000000000",
        devEui: ids.dev_eui,
        deviceId: String(getAt(owner, "ids.device_id")),
        applicationId: String(getAt(owner, "ids.application_ids.application_id")),
      });
    }
  }
  const kept = Object.fromEntries(Object.entries(given).filter(([field]) => IS_FIELDS.has(field)));
  const at = request.now.toISOString();
  const device = { ...structuredClone(kept), ids, created_at: at, updated_at: at };
  if (!registry.put(request.applicationId, deviceId, device))
    throw ttsErrors.registryFull(REGISTRY_NAMES.is, registry.maxDevices);
  return device;
}

/** `PUT /api/v3/{js,ns,as}/applications/{application_id}/devices/{device_id}`: create or update the masked fields. */
export function setInRegistry(
  registries: EndDeviceRegistries,
  server: SetServer,
  request: DeviceRequest & { readonly deviceId: string },
  body: unknown,
): EndDeviceJson {
  const given = endDeviceOf(body);
  const paths = maskOf(body);
  const forbidden = forbiddenPaths(paths, SET_PATHS[server]);
  if (forbidden.length > 0) throw ttsErrors.fieldMaskPaths(forbidden);
  checkDeviceId(request.deviceId);
  if (maskCovers(paths, ...KEY_FIELDS[server].write)) request.requireRights(["RIGHT_APPLICATION_DEVICES_WRITE_KEYS"]);

  const ids = idsOf(given, request.applicationId, request.deviceId);
  const registry = registries.of(server);
  const stored = registry.get(request.applicationId, request.deviceId);
  const written = normalized(server, applyFieldMask(stored ?? {}, given, paths), paths, stored ? undefined : ids);
  const at = request.now.toISOString();
  const device = {
    ...written,
    // On create TTS adds the identifiers to the paths itself; on update they stay as stored.
    ids: stored === undefined ? ids : stored["ids"],
    created_at: stored?.["created_at"] ?? at,
    updated_at: at,
  };
  if (!registry.put(request.applicationId, request.deviceId, device))
    throw ttsErrors.registryFull(REGISTRY_NAMES[server], registry.maxDevices);
  return answerFields(device, paths);
}

/** `GET …/devices/{device_id}?field_mask=…`: the identifiers, timestamps and the masked fields. */
export function getFromRegistry(
  registries: EndDeviceRegistries,
  server: Server,
  request: DeviceRequest & { readonly deviceId: string },
  paths: readonly string[],
): EndDeviceJson {
  const forbidden = forbiddenPaths(paths, GET_PATHS[server]);
  if (forbidden.length > 0) throw ttsErrors.fieldMaskPaths(forbidden);
  if (maskCovers(paths, ...KEY_FIELDS[server].read)) request.requireRights(["RIGHT_APPLICATION_DEVICES_READ_KEYS"]);
  const device = registries.of(server).get(request.applicationId, request.deviceId);
  if (device === undefined) throw notFound(server, request.applicationId, request.deviceId, "get");
  return answerFields(device, paths);
}

/** `DELETE …/devices/{device_id}`: `{}`, or each server's own not-found error. */
export function deleteFromRegistry(
  registries: EndDeviceRegistries,
  server: Server,
  request: DeviceRequest & { readonly deviceId: string },
): void {
  if (!registries.of(server).delete(request.applicationId, request.deviceId))
    throw notFound(server, request.applicationId, request.deviceId, "delete");
}

function notFound(server: Server, applicationId: string, deviceId: string, operation: "get" | "delete") {
  switch (server) {
    case "is":
      return ttsErrors.isEndDeviceNotFound(applicationId, deviceId);
    case "js":
      return ttsErrors.deviceNotFound("pkg/joinserver");
    case "ns":
      return ttsErrors.deviceNotFound("pkg/networkserver");
    case "as":
      // The Application Server's get reads its Redis registry directly; its delete says which device.
      return operation === "get" ? ttsErrors.entityNotFound() : ttsErrors.asDeviceNotFound(applicationId, deviceId);
  }
}

/** TTS's `FilterGetEndDevice`: the masked paths plus `ids`, `created_at`, `updated_at`. */
function answerFields(device: EndDeviceJson, paths: readonly string[]): EndDeviceJson {
  return selectFields(device, ["ids", "created_at", "updated_at", ...paths]);
}

function endDeviceOf(body: unknown): EndDeviceJson {
  const device = isObject(body) ? body["end_device"] : undefined;
  if (!isObject(device)) throw ttsErrors.validation("end_device", "value is required");
  return device;
}

/** `{"field_mask": {"paths": [...]}}`, or protobuf JSON's own form `{"field_mask": "a,b"}`. */
function maskOf(body: unknown): string[] {
  const mask = isObject(body) ? body["field_mask"] : undefined;
  if (mask === undefined) return [];
  if (typeof mask === "string") return mask.split(",").filter((path) => path !== "");
  const paths = isObject(mask) ? mask["paths"] : undefined;
  if (paths === undefined) return [];
  if (!Array.isArray(paths) || !paths.every((path) => typeof path === "string"))
    throw ttsErrors.validation("field_mask.paths", "must be a list of strings");
  return paths;
}

function checkDeviceId(deviceId: string): void {
  if (!isTtsId(deviceId)) {
    throw ttsErrors.validation(
      "ids.device_id",
      deviceId.length > TTS_ID_MAX_LENGTH
        ? `value length must be at most ${TTS_ID_MAX_LENGTH} runes`
        : `value does not match regex pattern "${TTS_ID_PATTERN.source}"`,
    );
  }
}

interface IdsJson {
  readonly application_ids: { readonly application_id: string };
  readonly device_id: string;
  readonly dev_eui?: string;
  readonly join_eui?: string;
}

/** The path decides the application and device (grpc-gateway writes path parameters over the body); EUIs upper-case as TTS writes them. */
function idsOf(given: EndDeviceJson, applicationId: string, deviceId: string): IdsJson {
  const eui = (field: "dev_eui" | "join_eui") => {
    const value = getAt(given, `ids.${field}`);
    if (value === undefined || value === "") return {};
    if (typeof value !== "string" || !EUI.test(value))
      throw ttsErrors.validation(`ids.${field}`, "must be 16 hexadecimal digits (an EUI-64)");
    return { [field]: value.toUpperCase() };
  };
  return {
    application_ids: { application_id: applicationId },
    device_id: deviceId,
    ...eui("dev_eui"),
    ...eui("join_eui"),
  };
}

/** Each server's checks of the values written, and TTS's canonical spelling of them. */
function normalized(server: SetServer, device: EndDeviceJson, paths: readonly string[], ids: IdsJson | undefined) {
  switch (server) {
    case "js":
      return normalizedRootKeys(device, paths, ids);
    case "ns":
      return normalizedNetworkSettings(device, paths, ids);
    case "as":
      return device;
  }
}

/** `ids` only when creating: the identifiers the new device gets. */
function normalizedRootKeys(device: EndDeviceJson, paths: readonly string[], ids: IdsJson | undefined) {
  // The Join Server finds devices by JoinEUI and DevEUI: it stores none without them.
  if (ids !== undefined) {
    if (ids.join_eui === undefined) throw ttsErrors.fieldValue("pkg/joinserver", "ids.join_eui");
    if (ids.dev_eui === undefined) throw ttsErrors.fieldValue("pkg/joinserver", "ids.dev_eui");
  }
  const result = structuredClone(device);
  for (const name of ["app_key", "nwk_key"] as const) {
    const field = `root_keys.${name}.key`;
    if (!maskCovers(paths, field)) continue;
    const key = getAt(result, field);
    // A LoRaWAN 1.0.x device has no NwkKey: clearing it is fine.
    if (key === undefined && name === "nwk_key") continue;
    // TTS's check (pkg/joinserver/grpc_deviceregistry.go): a key in the mask must be set and not all zeros.
    if (typeof key !== "string" || !AES_128_KEY.test(key) || /^0+$/.test(key))
      throw ttsErrors.fieldValue("pkg/joinserver", field);
    (getAt(result, `root_keys.${name}`) as Record<string, unknown>)["key"] = key.toUpperCase();
  }
  return result;
}

function normalizedNetworkSettings(device: EndDeviceJson, paths: readonly string[], ids: IdsJson | undefined) {
  const result = structuredClone(device);
  const creating = ids !== undefined;
  // On create the Network Server needs all three; on update only those written are checked.
  const check = (field: string, read: (value: unknown) => string | undefined) => {
    if (!creating && !maskCovers(paths, field)) return;
    const value = read(result[field]);
    if (value === undefined) throw ttsErrors.fieldValue("pkg/networkserver", field);
    result[field] = value;
  };
  check("frequency_plan_id", (value) =>
    typeof value === "string" && FREQUENCY_PLAN_ID.test(value) ? value : undefined,
  );
  check("lorawan_version", macVersion);
  check("lorawan_phy_version", phyVersion);
  if (creating && result["supports_join"] === true) {
    if (ids.join_eui === undefined) throw ttsErrors.fieldValue("pkg/networkserver", "ids.join_eui");
    if (ids.dev_eui === undefined) throw ttsErrors.fieldValue("pkg/networkserver", "ids.dev_eui");
  }
  return result;
}
