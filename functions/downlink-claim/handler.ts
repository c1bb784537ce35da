/** Claim / ReleaseClaim steps: one execution at a time per application correlationId (see `downlink-claim.ts`). */

import type { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { CORRELATION_ID_PATTERN } from "../core/downlink/request.ts";
import { ThingNameSchema } from "../core/thing-name-schema.ts";
import * as z from "../core/zod.ts";
import { type Environment, iotDataClientFor, type SdkOverrides } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { loadSettings } from "../settings.ts";
import { claimCorrelationId, releaseCorrelationId } from "./downlink-claim.ts";

export const DownlinkClaimInputSchema = z.object({
  action: z.enum(["claim", "release"]),
  thingName: ThingNameSchema,
  correlationId: z.string().check(z.regex(CORRELATION_ID_PATTERN)),
  executionName: z.string().check(z.minLength(1)),
});

export interface DownlinkClaimContext {
  readonly iotData: IoTDataPlaneClient;
}

export function createDownlinkClaimHandler(context: () => DownlinkClaimContext) {
  return step(DownlinkClaimInputSchema, async ({ action, ...input }) =>
    action === "claim" ? claimCorrelationId(input, context()) : releaseCorrelationId(input, context()),
  );
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}): DownlinkClaimContext {
  const settings = loadSettings("downlink-claim", env);
  return { iotData: iotDataClientFor(env, settings.IOT_DATA_ENDPOINT, sdk) };
}

export const handler = createDownlinkClaimHandler(once(() => contextFromEnvironment(process.env)));
