/** Merges a report into the device's `lorawan` named shadow. */
import { type IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
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
