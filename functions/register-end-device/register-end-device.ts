/**
 * Creates the device in one TTS registry (Identity, Network or Application Server; the Join Server
 * has its own step, the only one that reads root keys), or deletes it from any of the four.
 *
 * Idempotent, as at-least-once workflows need: the Sets are upserts; a create the Identity Server
 * answers "already exists" (409) is read back, and is a success when it is this very device (same
 * ids and EUIs: a repeated event, or a retry after a lost answer) and a `TtsDeviceConflict` otherwise;
 * a delete of a device already gone succeeds.
 */
import type { EndDeviceSpec } from "../core/provisioning/device-attributes.ts";
import {
  createInIdentityServer,
  deleteFrom,
  getFromIdentityServer,
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

export async function createEndDevice(
  input: { readonly registry: "is" | "ns" | "as"; readonly device: EndDeviceSpec },
  deps: TtsDeps,
): Promise<CreatedIn> {
  const { registry, device } = input;
  if (registry === "ns") await sendToRegistry(setInNetworkServer(device), device.applicationId, deps);
  if (registry === "as") await sendToRegistry(setInApplicationServer(device), device.applicationId, deps);
  if (registry !== "is") return { registry, created: true };

  const created = await sendToRegistry(
    createInIdentityServer(device, serverAddressOf(deps.ttsUrl)),
    device.applicationId,
    deps,
  );
  if (created.kind === "done") return { registry, created: true };
  await assertSameDevice(device, deps);
  return { registry, created: false };
}

/** After a 409: is the Identity Server's device of this id this device? Else the id or EUIs are another's. */
async function assertSameDevice(device: EndDeviceSpec, deps: TtsDeps): Promise<void> {
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
}

export async function deleteEndDevice(
  input: { readonly registry: TtsRegistry; readonly device: Pick<EndDeviceSpec, "applicationId" | "deviceId"> },
  deps: TtsDeps,
): Promise<{ readonly registry: TtsRegistry; readonly deleted: true }> {
  await sendToRegistry(deleteFrom(input.registry, input.device), input.device.applicationId, deps);
  return { registry: input.registry, deleted: true };
}
