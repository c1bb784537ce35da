/** One compact line per finished workflow execution: time, event, thing, status, duration, reason. */

import { causeMessage } from "../../functions/core/error-cause.ts";
import type { ExecutionSummary } from "../workflows/runner.ts";

export function executionLine(summary: ExecutionSummary, now: Date = new Date()): string {
  const time = now.toISOString().slice(11, 23);
  const output = (summary.output ?? {}) as { thingName?: unknown };
  // A failed execution has no output; the provisioning rules put the thing's name in the input.
  const input = (summary.input ?? {}) as { thingName?: unknown };
  const named = typeof output.thingName === "string" ? output.thingName : input.thingName;
  const thing = typeof named === "string" ? named : "-";
  const status = summary.status === "SUCCEEDED" ? "ok    " : summary.status === "FAILED" ? "FAILED" : summary.status;
  const reason = summary.error !== undefined ? `  ${summary.error}: ${truncate(causeMessage(summary.cause))}` : "";
  return `${time}  ${summary.workflow.padEnd(9)} ${eventOf(summary).padEnd(20)} ${thing.padEnd(24)} ${status} ${String(summary.durationMs).padStart(5)} ms${reason}`;
}

/** The event is the TTS topic after the stack prefix (`uplink`, `downlink/ack`), else the execution name prefix. */
function eventOf(summary: ExecutionSummary): string {
  const topic = (summary.input as { topic?: unknown } | undefined)?.topic;
  if (typeof topic === "string") {
    const match = /^thethings\/lorawan\/[^/]+\/(.+)$/.exec(topic);
    return match?.[1] ?? topic;
  }
  return summary.name.replace(/-[0-9a-f-]{36}$/, "");
}

function truncate(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
