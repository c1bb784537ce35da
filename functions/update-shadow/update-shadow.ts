/**
 * Merges a report into the device's `lorawan` named shadow, within what AWS takes: `null` never stands
 * in an array (the Device Shadow service refuses it; a decoder may well emit one), and when the merged
 * state would pass 8 KB (decoded payloads pile up keys: the shadow merges objects), the update goes
 * again without the decoded payload, clearing the old one, with a named warning.
 */
import {
  type IoTDataPlaneClient,
  RequestEntityTooLargeException,
  UpdateThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
import { SHADOW_NAME, type ShadowReport } from "../core/shadow-report.ts";

export interface ShadowUpdate {
  readonly thingName: string;
  readonly reported: ShadowReport;
}

/** @returns the shadow version after the update. */
export async function updateShadow(update: ShadowUpdate, iotData: IoTDataPlaneClient): Promise<number | undefined> {
  const response = await iotData.send(
    new UpdateThingShadowCommand({
      thingName: update.thingName,
      shadowName: SHADOW_NAME,
      payload: new TextEncoder().encode(JSON.stringify({ state: { reported: update.reported } })),
    }),
  );
  if (response.payload === undefined) return undefined;
  const accepted = JSON.parse(new TextDecoder().decode(response.payload)) as { version?: unknown };
  return typeof accepted.version === "number" ? accepted.version : undefined;
}

export const PAYLOAD_DROPPED =
  "payload_dropped: the shadow would pass 8 KB with the decoded payload; it was left out, and the old one cleared";

export async function updateShadowWithinLimits(
  update: ShadowUpdate,
  iotData: IoTDataPlaneClient,
): Promise<{ version: number | undefined; warnings: string[] }> {
  const reported = withoutNullInArrays(update.reported) as ShadowReport;
  try {
    return { version: await updateShadow({ ...update, reported }, iotData), warnings: [] };
  } catch (error) {
    if (!(error instanceof RequestEntityTooLargeException) || reported.payload === undefined) throw error;
    const cleared = { ...withoutPayload(reported), payload: null } as unknown as ShadowReport;
    return { version: await updateShadow({ ...update, reported: cleared }, iotData), warnings: [PAYLOAD_DROPPED] };
  }
}

export function withoutPayload(report: ShadowReport): ShadowReport {
  const { payload: _dropped, ...rest } = report;
  return rest;
}

/** Arrays without their `null` members, at any depth. */
function withoutNullInArrays(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(withoutNullInArrays);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutNullInArrays(item)]));
  }
  return value;
}
