/**
 * The per-device downlink queues of the simulated TTS: first in, first out, as TTS's Network Server
 * keeps them (priority matters for gateway scheduling, not for queue order). In memory only: a
 * restarted TTS simulator starts with empty queues, like a fresh TTS device session.
 */
import type { QueuedDownlink } from "./downlink-messages.ts";

export class DownlinkQueues {
  private readonly queues = new Map<string, QueuedDownlink[]>();

  list(applicationId: string, deviceId: string): readonly QueuedDownlink[] {
    return [...(this.queues.get(key(applicationId, deviceId)) ?? [])];
  }

  size(applicationId: string, deviceId: string): number {
    return this.queues.get(key(applicationId, deviceId))?.length ?? 0;
  }

  push(applicationId: string, deviceId: string, downlinks: readonly QueuedDownlink[]): void {
    const queue = this.queues.get(key(applicationId, deviceId)) ?? [];
    this.set(applicationId, deviceId, [...queue, ...downlinks]);
  }

  replace(applicationId: string, deviceId: string, downlinks: readonly QueuedDownlink[]): void {
    this.set(applicationId, deviceId, [...downlinks]);
  }

  /** Removes and returns the head of the queue. */
  shift(applicationId: string, deviceId: string): QueuedDownlink | undefined {
    const queue = this.queues.get(key(applicationId, deviceId));
    const head = queue?.shift();
    if (queue?.length === 0) this.queues.delete(key(applicationId, deviceId));
    return head;
  }

  private set(applicationId: string, deviceId: string, downlinks: QueuedDownlink[]): void {
    if (downlinks.length === 0) this.queues.delete(key(applicationId, deviceId));
    else this.queues.set(key(applicationId, deviceId), downlinks);
  }
}

/** TTS IDs never contain "/", so the pair cannot collide. */
function key(applicationId: string, deviceId: string): string {
  return `${applicationId}/${deviceId}`;
}
