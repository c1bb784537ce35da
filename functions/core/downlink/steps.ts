/**
 * The data the downlink workflow's steps hand each other, typed once. Every step output has the same
 * keys whatever happened (null where not applicable): a JSONPath that names a missing key is a
 * `States.Runtime` failure that no Catch can handle, so the ASL must never meet one.
 */
import * as z from "../zod.ts";
import type { DownlinkErrorCode } from "./errors.ts";
import type { DownlinkRequest } from "./request.ts";

/** A failure a step diagnosed itself: code, human message, details. */
export const StepFailureSchema = z.object({
  code: z.string(),
  message: z.string(),
  attributes: z.optional(z.record(z.string(), z.unknown())),
  thingName: z.optional(z.string()),
  correlationId: z.optional(z.string()),
  downlink: z.optional(z.record(z.string(), z.unknown())),
  /** TTS's own gRPC code, when TTS refused. */
  grpcCode: z.optional(z.number().check(z.int())),
});

export type StepFailure = z.infer<typeof StepFailureSchema> & { code: DownlinkErrorCode };

export interface ValidationResult {
  readonly valid: boolean;
  readonly request: DownlinkRequest | null;
  readonly failure: StepFailure | null;
  /** Ours (one per execution) and the application's `correlationId`, if it gave one. */
  readonly correlationIds: string[];
  readonly receivedAt: string;
}

/** What one push told about the device's queue (see `TtsPushOutcome`), and what to do next. */
export type PushOutcome = "enqueued" | "refused" | "unavailable" | "unknown";

export interface PushResult {
  readonly outcome: PushOutcome;
  /** The TTS API path it went to, e.g. `/api/v3/as/applications/app1/devices/dev1/down/push`. */
  readonly path: string | null;
  /** What to tell the application if this is the last word; null when enqueued. */
  readonly failure: StepFailure | null;
  /** Whole seconds to wait before pushing again (a Wait state's `SecondsPath`): backoff, or TTS's `Retry-After`. */
  readonly retryInSeconds: number;
}

/** Whether the device's TTS queue holds the downlink; `readable: false` with the reason when it cannot say. */
export interface QueueLookupResult {
  readonly readable: boolean;
  readonly found: boolean;
  readonly failure: StepFailure | null;
}

/** Our correlation id for one downlink request: the execution's name, so console and feedback match. */
export function executionCorrelationId(executionName: string): string {
  return `tts-aws-iot:downlink:${executionName}`;
}
