/**
 * TTS's four end device registries (TTS v3 HTTP API, `api/ttn/lorawan/v3/end_device.proto` and the
 * `*EndDeviceRegistry` services of lorawan-stack), as pure request builders and answer classification:
 *
 * - Identity Server: `POST /api/v3/applications/{app}/devices`, body `CreateEndDeviceRequest`
 *   `{"end_device": …}` (ids, EUIs, server addresses, the attribute naming the execution that creates
 *   it: `CREATED_BY_ATTRIBUTE`). TTS's create request has no field mask (the
 *   console sends none either); `GET …/devices/{dev}?field_mask=…` reads it back,
 *   `DELETE …/devices/{dev}` deletes it.
 * - Join / Network / Application Server: `PUT /api/v3/{js|ns|as}/applications/{app}/devices/{dev}`,
 *   body `SetEndDeviceRequest` `{"end_device": …, "field_mask": {"paths": […]}}` — an upsert, which
 *   adds the ids to the paths itself on create; `DELETE` the same path.
 *
 * Root keys appear only in the Join Server request, built from the thing's attributes by the one
 * step that reads them; every other request is built from the key-free `EndDeviceSpec`.
 */
import { createHash } from "node:crypto";
import type { EndDeviceSpec } from "../core/provisioning/device-attributes.ts";
import { answerText, type TtsAnswer, TtsStatusError } from "./http.ts";

export const TTS_REGISTRIES = ["is", "js", "ns", "as"] as const;
export type TtsRegistry = (typeof TTS_REGISTRIES)[number];

export const REGISTRY_NAMES: Readonly<Record<TtsRegistry, string>> = {
  is: "Identity Server",
  js: "Join Server",
  ns: "Network Server",
  as: "Application Server",
};

export interface TtsEndDeviceRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Relative to the cluster URL; segments URL-encoded. */
  readonly path: string;
  readonly body?: unknown;
}

/** The servers' address TTS stores with the device: the cluster's host (and port), as the console sets it. */
export function serverAddressOf(ttsUrl: string): string {
  return new URL(ttsUrl).host;
}

function identifiers(device: EndDeviceSpec) {
  return {
    device_id: device.deviceId,
    application_ids: { application_id: device.applicationId },
    dev_eui: device.devEui,
    join_eui: device.joinEui,
  };
}

function devicePath(registry: TtsRegistry, device: Pick<EndDeviceSpec, "applicationId" | "deviceId">): string {
  const prefix = registry === "is" ? "" : `/${registry}`;
  const app = encodeURIComponent(device.applicationId);
  return `/api/v3${prefix}/applications/${app}/devices/${encodeURIComponent(device.deviceId)}`;
}

export const NETWORK_SERVER_FIELD_MASK = [
  "frequency_plan_id",
  "lorawan_version",
  "lorawan_phy_version",
  "supports_join",
] as const;

export const APPLICATION_SERVER_FIELD_MASK = ["ids.dev_eui", "ids.join_eui"] as const;

/**
 * The Identity Server attribute that says which workflow execution created the device. A create whose
 * answer was lost is retried and meets "already exists": this tells the execution's own device (rolled
 * back if a later step fails) from one TTS had before (left alone). TTS attribute keys match
 * `^[a-z0-9](?:[-]?[a-z0-9]){2,}$`, values have at most 200 characters: the value is a digest of the
 * execution's ARN, which can be longer.
 */
export const CREATED_BY_ATTRIBUTE = "aws-iot-provisioning";

export function createdByValue(executionId: string): string {
  return createHash("sha256").update(executionId).digest("hex").slice(0, 32);
}

/** What the Identity Server's copy is compared by when it answers "already exists". */
export const IDENTITY_FIELD_MASK = ["ids.dev_eui", "ids.join_eui", "attributes"] as const;

/** `createdBy`: `createdByValue` of the execution creating it. */
export function createInIdentityServer(
  device: EndDeviceSpec,
  serverAddress: string,
  createdBy: string,
): TtsEndDeviceRequest {
  return {
    method: "POST",
    path: `/api/v3/applications/${encodeURIComponent(device.applicationId)}/devices`,
    body: {
      end_device: {
        ids: identifiers(device),
        join_server_address: serverAddress,
        network_server_address: serverAddress,
        application_server_address: serverAddress,
        attributes: { [CREATED_BY_ATTRIBUTE]: createdBy },
      },
    },
  };
}

export function getFromIdentityServer(device: EndDeviceSpec): TtsEndDeviceRequest {
  return { method: "GET", path: `${devicePath("is", device)}?field_mask=${IDENTITY_FIELD_MASK.join(",")}` };
}

export function setInJoinServer(
  device: EndDeviceSpec,
  serverAddress: string,
  rootKeys: { readonly appKey: string; readonly nwkKey?: string },
): TtsEndDeviceRequest {
  const withNwkKey = rootKeys.nwkKey !== undefined;
  return {
    method: "PUT",
    path: devicePath("js", device),
    body: {
      end_device: {
        ids: identifiers(device),
        network_server_address: serverAddress,
        application_server_address: serverAddress,
        root_keys: {
          app_key: { key: rootKeys.appKey },
          ...(withNwkKey ? { nwk_key: { key: rootKeys.nwkKey } } : {}),
        },
      },
      field_mask: {
        paths: [
          "network_server_address",
          "application_server_address",
          "root_keys.app_key.key",
          ...(withNwkKey ? ["root_keys.nwk_key.key"] : []),
        ],
      },
    },
  };
}

export function setInNetworkServer(device: EndDeviceSpec): TtsEndDeviceRequest {
  return {
    method: "PUT",
    path: devicePath("ns", device),
    body: {
      end_device: {
        ids: identifiers(device),
        frequency_plan_id: device.frequencyPlanId,
        lorawan_version: device.lorawanVersion,
        lorawan_phy_version: device.lorawanPhyVersion,
        supports_join: true,
      },
      field_mask: { paths: [...NETWORK_SERVER_FIELD_MASK] },
    },
  };
}

export function setInApplicationServer(device: EndDeviceSpec): TtsEndDeviceRequest {
  return {
    method: "PUT",
    path: devicePath("as", device),
    body: { end_device: { ids: identifiers(device) }, field_mask: { paths: [...APPLICATION_SERVER_FIELD_MASK] } },
  };
}

export function deleteFrom(
  registry: TtsRegistry,
  device: Pick<EndDeviceSpec, "applicationId" | "deviceId">,
): TtsEndDeviceRequest {
  return { method: "DELETE", path: devicePath(registry, device) };
}

/** TTS refused the key (401/403): it lacks the rights for the registry, or is not valid. Not retried. */
export class TtsUnauthorizedError extends Error {
  override readonly name = "TtsUnauthorized";
}

/** TTS refused the request for good (400 invalid field, 404 application, 409 on a Set…), with TTS's message. */
export class TtsRejectedError extends TtsStatusError {
  override readonly name = "TtsRejected";
}

/** A different device holds this device id or these EUIs in TTS: this thing cannot be created there. */
export class TtsDeviceConflictError extends Error {
  override readonly name = "TtsDeviceConflict";
}

/**
 * What an answer to a registry call means:
 * - `done`: created, set or deleted (a delete of a device already gone included);
 * - `exists`: the Identity Server has a device of that id, or those EUIs, already (409): whose, a read tells;
 * - `unavailable`: not reached, or 408/429/5xx — the workflow retries with backoff (the calls are idempotent);
 * - `unauthorized` / `rejected`: final.
 */
export type RegistryOutcome =
  | { readonly kind: "done" | "exists" }
  | { readonly kind: "unavailable" | "unauthorized" | "rejected"; readonly status?: number; readonly message: string };

export function registryOutcome(request: TtsEndDeviceRequest, answer: TtsAnswer): RegistryOutcome {
  const what = `${request.method} ${request.path}`;
  if (!answer.reached) return { kind: "unavailable", message: `${what}: ${answer.reason}` };
  if (answer.ok) return { kind: "done" };
  const { status } = answer;
  const message = `${what}: ${answerText(answer)}`;
  if (request.method === "DELETE" && status === 404) return { kind: "done" };
  if (request.method === "POST" && status === 409) return { kind: "exists" };
  if (status === 401 || status === 403) return { kind: "unauthorized", status, message };
  if (status === 408 || status === 429 || (status >= 500 && status !== 501)) {
    return { kind: "unavailable", status, message };
  }
  return { kind: "rejected", status, message };
}

/** The EUIs of the Identity Server's copy (`GET` with `IDENTITY_FIELD_MASK`), upper-case; undefined if unreadable. */
export function identityEuis(body: unknown): { readonly devEui?: string; readonly joinEui?: string } | undefined {
  const ids = (body as { ids?: { dev_eui?: unknown; join_eui?: unknown } } | null)?.ids;
  if (typeof ids !== "object" || ids === null) return undefined;
  const eui = (value: unknown) => (typeof value === "string" ? value.toUpperCase() : undefined);
  const devEui = eui(ids.dev_eui);
  const joinEui = eui(ids.join_eui);
  return { ...(devEui !== undefined ? { devEui } : {}), ...(joinEui !== undefined ? { joinEui } : {}) };
}

/** The Identity Server's copy's `CREATED_BY_ATTRIBUTE`, if it has one. */
export function identityCreatedBy(body: unknown): string | undefined {
  const value = (body as { attributes?: Record<string, unknown> } | null)?.attributes?.[CREATED_BY_ATTRIBUTE];
  return typeof value === "string" ? value : undefined;
}

/** TTS omits zero fields: a device whose JoinEUI is all zeros has none in its JSON. */
const ZERO_EUI = "0000000000000000";

/** Whether the Identity Server's device (its EUIs as read back) is the one we would create. */
export function isSameDevice(existing: ReturnType<typeof identityEuis>, device: EndDeviceSpec): boolean {
  return (
    existing !== undefined &&
    (existing.devEui ?? ZERO_EUI) === device.devEui &&
    (existing.joinEui ?? ZERO_EUI) === device.joinEui
  );
}
