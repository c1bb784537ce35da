/**
 * Looks into the device's TTS downlink queue for a downlink carrying a correlation id: the workflow's
 * "look before you push again" after a push whose outcome is unknown (our execution's id), and its
 * duplicate check before the first push of a request with an application `correlationId`.
 * A queue TTS cannot show right now is a thrown `TtsUnavailableError` (the workflow retries it); one
 * it refuses to show (the key, the device) is a result, `readable: false`, with the reason.
 */
import type { QueueLookupResult } from "../core/downlink/steps.ts";
import { TtsUnavailableError } from "../core/errors.ts";
import { findInTtsQueue } from "../tts/downlink-queue.ts";
import type { TtsDeps } from "../tts/step-context.ts";

export interface QueueLookupInput {
  readonly applicationId: string;
  readonly deviceId: string;
  readonly correlationId: string;
}

export type QueueLookupDeps = TtsDeps;

export async function findQueuedDownlink(input: QueueLookupInput, deps: QueueLookupDeps): Promise<QueueLookupResult> {
  const ids = { application_id: input.applicationId, device_id: input.deviceId };
  const unreadable = (failure: QueueLookupResult["failure"]): QueueLookupResult => ({
    readable: false,
    found: false,
    failure,
  });
  const key = await deps.apiKeys.lookup(input.applicationId);
  if ("missing" in key) return unreadable({ code: "tts_api_key_missing", message: key.missing, attributes: ids });
  const { apiKey } = key;

  const lookup = await findInTtsQueue(
    { ttsUrl: deps.ttsUrl, apiKey, ...input, timeoutMs: deps.timeoutMs },
    deps.transport,
  );
  switch (lookup.kind) {
    case "found":
    case "absent":
      return { readable: true, found: lookup.kind === "found", failure: null };
    case "unavailable":
      throw new TtsUnavailableError(`reading the device's downlink queue: ${lookup.message}`);
    case "refused":
      if (lookup.failure.name === "tts_unauthorized") deps.apiKeys.forget();
      return unreadable({
        code: lookup.failure.name,
        message: `reading the device's downlink queue: ${lookup.message}`,
        grpcCode: lookup.failure.code,
        attributes: { ...ids, http_status: lookup.status },
      });
  }
}
