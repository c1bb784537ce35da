/**
 * What the Network Server does with a device's queue when a class-A receive window opens: payloads
 * too long for the window's data rate are dropped (each becomes a `downlink_failed`), and the first
 * one that fits is sent. One application downlink per window, like a LoRaWAN frame.
 */
import { frmPayloadLength, type QueuedDownlink } from "./downlink-messages.ts";

export interface ReceiveWindowPlan {
  /** Dropped, in queue order: longer than `maxFrmPayloadBytes`. */
  readonly tooLong: readonly QueuedDownlink[];
  readonly send: QueuedDownlink | undefined;
  /** The queue after this window. */
  readonly remaining: readonly QueuedDownlink[];
}

export function planReceiveWindow(queue: readonly QueuedDownlink[], maxFrmPayloadBytes: number): ReceiveWindowPlan {
  const tooLong: QueuedDownlink[] = [];
  for (const [index, downlink] of queue.entries()) {
    if (frmPayloadLength(downlink) > maxFrmPayloadBytes) {
      tooLong.push(downlink);
      continue;
    }
    return { tooLong, send: downlink, remaining: queue.slice(index + 1) };
  }
  return { tooLong, send: undefined, remaining: [] };
}
