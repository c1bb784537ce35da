/** Execution inputs as the upstream IoT rules produce them. */
import type { UpstreamEvent } from "../../functions/core/upstream-event.ts";

export function upstreamEvent(payload: Uint8Array | string | object, topic = "thethings/lorawan/test-stack/uplink"): UpstreamEvent {
  const bytes =
    payload instanceof Uint8Array ? payload : Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload));
  return { topic, payload: Buffer.from(bytes).toString("base64"), clientId: "thethings-test-stack", timestamp: 1_700_000_000_000 };
}
