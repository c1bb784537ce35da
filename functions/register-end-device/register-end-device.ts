/**
 * Creates the device in one TTS registry (Identity, Network or Application Server; the Join Server
 * has its own step, the only one that reads root keys), or deletes it from any of the four.
 *
 * Idempotent, as at-least-once workflows need: the Sets are upserts; a create the Identity Server
 * answers "already exists" (409) is read back, and is a success when it is this very device (same
 * ids and EUIs: a repeated event, or a retry after a lost answer) and a `TtsDeviceConflict` otherwise;
 * a delete of a device already gone succeeds. Whether the device read back is this execution's own
 * (a retry after a lost answer: `created`, so a later failure rolls it back) is told by the attribute
 * the create wrote (`CREATED_BY_ATTRIBUTE`).
 */
import type { EndDeviceSpec } from "../core/provisioning/device-attributes.ts";
import {
  createdByValue,
  createInIdentityServer,
  deleteFrom,
  getFromIdentityServer,
  identityCreatedBy,
  identityEuis,
  isSameDevice,
  serverAddressOf,
  setInApplicationServer,
  setInNetworkServer,
  TtsDeviceConflictError,
  type TtsRegistry,
  TtsRejectedError,
} from "../tts/end-devices.ts";
import { sendToRegistry } from "../tts/registry-call.ts";
import type { TtsDeps } from "../tts/step-context.ts";

export interface CreatedIn {
  readonly registry: TtsRegistry;
  /** False: the Identity Server had this device already; it was not created by this call. */
  readonly created: boolean;
}

export type CreateInput =
  | { readonly registry: "is"; readonly device: EndDeviceSpec; readonly executionId: string }
  | { readonly registry: "ns" | "as"; readonly device: EndDeviceSpec };

export async function createEndDevice(input: CreateInput, deps: TtsDeps): Promise<CreatedIn> {
  const { registry, device } = input;
  if (registry === "ns") await sendToRegistry(setInNetworkServer(device), device.applicationId, deps);
  if (registry === "as") await sendToRegistry(setInApplicationServer(device), device.applicationId, deps);
  if (input.registry !== "is") return { registry, created: true };

  const createdBy = createdByValue(input.executionId);
  const created = await sendToRegistry(
    createInIdentityServer(device, serverAddressOf(deps.ttsUrl), createdBy),
    device.applicationId,
    deps,
  );
  if (created.kind === "done") return { registry, created: true };
  const existing = await sameDeviceInIdentityServer(device, deps);
  return { registry, created: identityCreatedBy(existing) === createdBy };
}

/**
 * After a 409: the Identity Server's device of this id (its body), when it is this device; else the
 * id or EUIs are another's.
 */
async function sameDeviceInIdentityServer(device: EndDeviceSpec, deps: TtsDeps): Promise<unknown> {
  const conflict = (detail: string) =>
    new TtsDeviceConflictError(
      `TTS application "${device.applicationId}" has ${detail}: device "${device.deviceId}" (DevEUI ${device.devEui}, JoinEUI ${device.joinEui}) cannot be created`,
    );
  let existing: { readonly body?: unknown };
  try {
    existing = await sendToRegistry(getFromIdentityServer(device), device.applicationId, deps);
  } catch (error) {
    // The id is free: the EUIs belong to a device of another id.
    if (error instanceof TtsRejectedError && error.status === 404) throw conflict("another device with these EUIs");
    throw error;
  }
  if (!isSameDevice(identityEuis(existing.body), device)) throw conflict("a device of this id with other EUIs");
  return existing.body;
}

export async function deleteEndDevice(
  input: { readonly registry: TtsRegistry; readonly device: Pick<EndDeviceSpec, "applicationId" | "deviceId"> },
  deps: TtsDeps,
): Promise<{ readonly registry: TtsRegistry; readonly deleted: true }> {
  await sendToRegistry(deleteFrom(input.registry, input.device), input.device.applicationId, deps);
  return { registry: input.registry, deleted: true };
}
