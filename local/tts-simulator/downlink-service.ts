/**
 * The simulated Application Server + Network Server for downlinks: queues per device, and the
 * lifecycle TTS publishes on `thethings/lorawan/<stack>/downlink/…`:
 *
 *   push/replace ─▶ downlink_queued (one per downlink, before the API answers)
 *   next uplink (class-A receive window) ─▶ downlink_failed (too long for the data rate) … then
 *                                           downlink_sent (the first that fits, FCnt taken now)
 *   the uplink after a confirmed downlink ─▶ downlink_ack, or downlink_nack when a fault says so
 *
 * The ack waits for the following uplink because that is where a real device sets its ACK bit;
 * a nack drops the downlink (real TTS may re-queue it; nothing here depends on that).
 */

import { DOWNLINK_QUEUE_CAPACITY, maxFrmPayloadBytes } from "./downlink-limits.ts";
import {
  type DownlinkEventKind,
  downlinkEventMessage,
  downlinkEventTopic,
  downlinkFailedMessage,
  downlinkTooLongError,
  type QueuedDownlink,
  queuedDownlink,
  type TtsDownlinkEventJson,
} from "./downlink-messages.ts";
import { DownlinkQueues } from "./downlink-queue.ts";
import type { ApplicationDownlinkRequest } from "./downlink-request.ts";
import type { FaultInjector } from "./fault-injector.ts";
import type { SimulatedFleet } from "./fleet.ts";
import { epochNanosOf } from "./proto-json.ts";
import { planReceiveWindow } from "./receive-window.ts";
import { deriveSeed, SeededRandom } from "./seeded-random.ts";
import type { SimulatedDevice } from "./simulated-device.ts";
import { ttsErrors } from "./tts-api-errors.ts";
import type { TtsUplinkJson } from "./tts-messages.ts";
import { ulid } from "./ulid.ts";

export type PublishUnderStack = (topicSuffix: string, message: unknown) => Promise<void>;

export interface DownlinkServiceOptions {
  readonly fleet: SimulatedFleet;
  /** The simulator's `publish`: TTS's own MQTT session. */
  readonly publish: PublishUnderStack;
  readonly faults: FaultInjector;
  readonly now?: () => Date;
  /** A lifecycle message that could not be published (the queue operation itself stands). */
  readonly onError?: (error: Error) => void;
  /** Downlinks one device's queue holds; default TTS's own, `DOWNLINK_QUEUE_CAPACITY`. */
  readonly queueCapacity?: number;
}

export class DownlinkService {
  readonly queues = new DownlinkQueues();
  private readonly fleet: SimulatedFleet;
  private readonly publish: PublishUnderStack;
  private readonly faults: FaultInjector;
  private readonly now: () => Date;
  private readonly onError: (error: Error) => void;
  private readonly random: SeededRandom;
  private readonly queueCapacity: number;
  /** Confirmed downlinks sent, per device, waiting for the device's next uplink to (n)ack them. */
  private readonly awaitingAck = new Map<string, QueuedDownlink>();

  constructor(options: DownlinkServiceOptions) {
    this.fleet = options.fleet;
    this.publish = options.publish;
    this.faults = options.faults;
    this.now = options.now ?? (() => new Date());
    this.onError = options.onError ?? ((error) => console.error(`[tts-simulator] ${error.name}: ${error.message}`));
    this.random = new SeededRandom(deriveSeed(options.fleet.seed, "downlinks"));
    this.queueCapacity = options.queueCapacity ?? DOWNLINK_QUEUE_CAPACITY;
  }

  /** Hooks every device's receive windows; returns the unhook. */
  attach(): () => void {
    return this.fleet.afterUplink((device, uplink) => this.receiveWindow(device, uplink));
  }

  /** A 32-hex-digit ID like the `correlation_id` of TTS errors. */
  errorCorrelationId(): string {
    return Buffer.from(this.random.bytes(16)).toString("hex");
  }

  /** Throws TTS's `downlink_queue_capacity` error, queueing none of them, when the queue would overflow. */
  async push(device: SimulatedDevice, requests: readonly ApplicationDownlinkRequest[]): Promise<void> {
    this.assertCapacity(this.queues.size(device.applicationId, device.deviceId) + requests.length);
    const downlinks = this.accept(device, requests);
    this.queues.push(device.applicationId, device.deviceId, downlinks);
    await this.announceQueued(device, downlinks);
  }

  /** Swaps the whole queue; only the new downlinks are announced (no `downlink_queue_invalidated`). */
  async replace(device: SimulatedDevice, requests: readonly ApplicationDownlinkRequest[]): Promise<void> {
    this.assertCapacity(requests.length);
    const downlinks = this.accept(device, requests);
    this.queues.replace(device.applicationId, device.deviceId, downlinks);
    await this.announceQueued(device, downlinks);
  }

  private assertCapacity(queueLength: number): void {
    if (queueLength > this.queueCapacity) throw ttsErrors.downlinkQueueCapacity();
  }

  private accept(device: SimulatedDevice, requests: readonly ApplicationDownlinkRequest[]): QueuedDownlink[] {
    const epochMs = this.now().getTime();
    return requests.map((request) =>
      queuedDownlink(request, {
        asCorrelationId: `as:downlink:${ulid(epochMs, this.random)}`,
        sessionKeyId: device.session?.sessionKeyId,
      }),
    );
  }

  private async announceQueued(device: SimulatedDevice, downlinks: readonly QueuedDownlink[]): Promise<void> {
    const receivedAt = epochNanosOf(this.now());
    const messages = downlinks.map(
      (downlink) =>
        [
          "downlinkQueued",
          downlinkEventMessage("downlinkQueued", {
            ids: device.endDeviceIds,
            correlationIds: downlink.correlation_ids,
            receivedAt,
            downlink,
          }),
        ] as const,
    );
    // The queue changed whatever happens to the announcement: failing the request would invite a duplicate push.
    await this.publishInOrder(messages).catch((error: Error) => this.onError(error));
  }

  private async receiveWindow(device: SimulatedDevice, uplink: TtsUplinkJson): Promise<void> {
    const ids = device.endDeviceIds;
    const receivedAt = epochNanosOf(this.now());
    const messages: Array<readonly [DownlinkEventKind, TtsDownlinkEventJson]> = [];
    // Everything below up to the publishing is synchronous: a push arriving meanwhile cannot interleave.
    const pending = this.awaitingAck.get(device.deviceId);
    if (pending !== undefined) {
      this.awaitingAck.delete(device.deviceId);
      const kind = this.faults.takeNack() ? "downlinkNack" : "downlinkAck";
      messages.push([
        kind,
        downlinkEventMessage(kind, {
          ids,
          correlationIds: [...pending.correlation_ids, ...uplink.correlation_ids],
          receivedAt,
          downlink: pending,
        }),
      ]);
    }

    const queue = this.queues.list(device.applicationId, device.deviceId);
    if (queue.length > 0) {
      const plan = planWindow(queue, uplink, device);
      this.queues.replace(device.applicationId, device.deviceId, plan.remaining);
      for (const downlink of plan.tooLong) {
        const error = downlinkTooLongError(this.errorCorrelationId());
        messages.push([
          "downlinkFailed",
          downlinkFailedMessage({ ids, correlationIds: downlink.correlation_ids, receivedAt, downlink, error }),
        ]);
      }
      if (plan.send !== undefined) {
        const sent: QueuedDownlink = {
          ...plan.send,
          session_key_id: uplink.uplink_message.session_key_id,
          f_cnt: device.nextDownlinkFCnt(),
        };
        messages.push([
          "downlinkSent",
          downlinkEventMessage("downlinkSent", {
            ids,
            correlationIds: [...sent.correlation_ids, ...uplink.correlation_ids],
            receivedAt,
            downlink: sent,
          }),
        ]);
        if (sent.confirmed === true) this.awaitingAck.set(device.deviceId, sent);
      }
    }
    await this.publishInOrder(messages);
  }

  private async publishInOrder(
    messages: ReadonlyArray<readonly [DownlinkEventKind, TtsDownlinkEventJson]>,
  ): Promise<void> {
    for (const [kind, message] of messages) await this.publish(downlinkEventTopic(kind), message);
  }
}

function planWindow(queue: readonly QueuedDownlink[], uplink: TtsUplinkJson, device: SimulatedDevice) {
  // RX1 uses the uplink's data rate; the device's current one is the fallback.
  const spreadingFactor =
    uplink.uplink_message.settings.data_rate.lora.spreading_factor ?? device.dataRate.spreadingFactor;
  return planReceiveWindow(queue, maxFrmPayloadBytes(spreadingFactor));
}
