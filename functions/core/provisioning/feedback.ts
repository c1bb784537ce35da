/**
 * What the provisioning workflow tells applications and operators, on
 * `lorawan/<thing>/provisioning/{created,failed,deleted}` (documented in the README). A `failed`
 * message carries the error's name and message, never a key: messages of our errors name attributes,
 * not values, and TTS does not echo keys.
 */

import type { TtsRegistry } from "../../tts/end-devices.ts";
import type { CaughtError } from "../caught-error.ts";
import { causeMessage } from "../error-cause.ts";
import * as z from "../zod.ts";

export const PROVISIONING_OUTCOMES = ["created", "failed", "deleted"] as const;
export type ProvisioningOutcome = (typeof PROVISIONING_OUTCOMES)[number];

export function provisioningTopic(thingName: string, outcome: ProvisioningOutcome): string {
  return `lorawan/${thingName}/provisioning/${outcome}`;
}

/** The device a message is about, as the workflow's state carries it. */
export const DeviceIdsSchema = z.object({
  applicationId: z.string(),
  deviceId: z.string(),
  devEui: z.optional(z.string()),
  joinEui: z.optional(z.string()),
});

export type DeviceIds = Readonly<z.output<typeof DeviceIdsSchema>>;

export interface CreatedFeedback {
  readonly thingName: string;
  readonly device: DeviceIds;
  /** False when the Identity Server had this very device already (a repeated event): nothing new was made. */
  readonly newInTts: boolean;
  readonly time: string;
}

export interface FailedFeedback {
  readonly thingName: string;
  readonly device: DeviceIds | null;
  readonly error: { readonly name: string; readonly message: string };
  /** Registries the device was created in and deleted from again, in the order of the deletes. */
  readonly rolledBack: readonly TtsRegistry[];
  /** Registries the compensation could not delete it from: the operator must, with the reason. */
  readonly rollbackFailed: readonly {
    readonly registry: TtsRegistry;
    readonly error: string;
    readonly message: string;
  }[];
  readonly time: string;
}

export interface DeletedFeedback {
  readonly thingName: string;
  readonly device: DeviceIds;
  readonly time: string;
}

export function errorOf(caught: CaughtError): FailedFeedback["error"] {
  return { name: caught.Error, message: causeMessage(caught.Cause) };
}
