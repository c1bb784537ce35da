/**
 * One call to a TTS end device registry with the application's key, its answer classified
 * (`registryOutcome`) and every final or transient failure thrown as a named error the workflow
 * retries or catches: `TtsUnavailable` (retried with backoff), `TtsUnauthorized`, `TtsRejected`.
 */
import { TtsUnavailableError } from "../core/errors.ts";
import {
  type RegistryOutcome,
  registryOutcome,
  type TtsEndDeviceRequest,
  TtsRejectedError,
  TtsUnauthorizedError,
} from "./end-devices.ts";
import { callTtsWith, type TtsDeps } from "./step-context.ts";

export async function sendToRegistry(
  request: TtsEndDeviceRequest,
  applicationId: string,
  deps: TtsDeps,
): Promise<{ readonly kind: "done" | "exists"; readonly body?: unknown }> {
  const apiKey = await deps.apiKeys.require(applicationId);
  const answer = await callTtsWith(deps, apiKey, request);
  const outcome: RegistryOutcome = registryOutcome(request, answer);
  switch (outcome.kind) {
    case "done":
    case "exists":
      return answer.reached && answer.body !== undefined ? { kind: outcome.kind, body: answer.body } : outcome;
    case "unavailable":
      throw new TtsUnavailableError(outcome.message);
    case "unauthorized":
      // The key may have been rotated since it was read.
      deps.apiKeys.forget();
      throw new TtsUnauthorizedError(outcome.message);
    case "rejected":
      throw new TtsRejectedError(outcome.message, outcome.status ?? 0);
  }
}
