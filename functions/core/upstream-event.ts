/**
 * What the upstream IoT rules hand to the workflow (see `workflows/upstream-rules.ts`): the raw TTS
 * payload base64-encoded, so that a message that is not JSON still reaches the workflow and fails
 * visibly instead of being dropped by the rules engine.
 */
import { z } from "zod";

export const UpstreamEventSchema = z.object({
  topic: z.string().min(1),
  /** The MQTT payload as TTS published it, base64 (`encode(*, 'base64')`). */
  payload: z.base64(),
  clientId: z.string().optional(),
  /** Rule evaluation time, ms since the epoch (`timestamp()`). */
  timestamp: z.number().int().nonnegative().optional(),
});

export type UpstreamEvent = z.infer<typeof UpstreamEventSchema>;

/** The names the rule SQL must select, kept next to the schema that reads them. */
export const UPSTREAM_EVENT_FIELDS = {
  payload: "payload",
  topic: "topic",
  clientId: "clientId",
  timestamp: "timestamp",
} as const satisfies Record<keyof UpstreamEvent, keyof UpstreamEvent>;
