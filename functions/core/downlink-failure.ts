/**
 * Turns whatever stopped a downlink — a failure a step diagnosed, or an error a Catch caught — into
 * one of our error codes with a human message, for the `failed` feedback and the execution's end.
 */
import { DOWNLINK_ERRORS, type DownlinkErrorCode } from "./downlink-errors.ts";
import { CaughtErrorSchema, StepFailureSchema, type StepFailure } from "./downlink-steps.ts";
import { causeMessage } from "./error-cause.ts";

/** Error names the workflow raises or meets (Lambda errorTypes and SDK-integration errors). */
export const WORKFLOW_ERROR_CODES: Readonly<Record<string, DownlinkErrorCode>> = {
  TtsUnavailable: "tts_unavailable",
  "Iot.ResourceNotFoundException": "thing_not_found",
};

export function failureOf(failed: unknown, thingName: string | undefined): StepFailure {
  const diagnosed = StepFailureSchema.safeParse(failed);
  if (diagnosed.success && diagnosed.data.code in DOWNLINK_ERRORS) return diagnosed.data as StepFailure;

  const caught = CaughtErrorSchema.safeParse(failed);
  if (!caught.success) {
    return { code: "internal_error", message: `the workflow reported an unreadable failure: ${JSON.stringify(failed)}` };
  }
  const { Error: name, Cause: cause } = caught.data;
  const detail = causeMessage(cause);
  const code = WORKFLOW_ERROR_CODES[name] ?? "internal_error";
  switch (code) {
    case "thing_not_found":
      return { code, message: `no thing named "${thingName ?? "?"}" exists`, ...(thingName ? { thingName } : {}) };
    case "tts_unavailable":
      return { code, message: `${detail} (still failing after the retries)` };
    default:
      return { code, message: `${name}: ${detail}` };
  }
}
