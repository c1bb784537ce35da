/**
 * The last messages the workflows published for each thing on `lorawan/<thing>/…` (what applications
 * receive), kept in memory for the inspector: a few per thing, for the most recently active things only.
 */
import { LRUCache } from "lru-cache";

export interface RepublishedMessage {
  readonly topic: string;
  readonly thing: string;
  readonly receivedAt: number;
  /** UTF-8 text, cut to `MAX_PAYLOAD_CHARS`. */
  readonly payload: string;
  readonly truncated: boolean;
  readonly bytes: number;
}

export const MESSAGES_PER_THING = 20;
export const MAX_THINGS = 1000;
/** A page shows messages to read, not to download: a 128 KB uplink is cut. */
export const MAX_PAYLOAD_CHARS = 8192;

/** `lorawan/<thing>/…` names the thing; `lorawan/downlink` (requests) and other topics name none. */
export function thingOfTopic(topic: string): string | undefined {
  const [root, thing, ...rest] = topic.split("/");
  if (root !== "lorawan" || thing === undefined || thing === "" || rest.length === 0) return undefined;
  return thing;
}

export class RepublishedMessages {
  readonly #rings: LRUCache<string, RepublishedMessage[]>;
  readonly #perThing: number;

  constructor(options: { perThing?: number; maxThings?: number } = {}) {
    this.#perThing = options.perThing ?? MESSAGES_PER_THING;
    this.#rings = new LRUCache({ max: options.maxThings ?? MAX_THINGS });
  }

  /** @returns the kept message, or undefined when the topic names no thing. */
  add(topic: string, payload: Uint8Array, receivedAt = Date.now()): RepublishedMessage | undefined {
    const thing = thingOfTopic(topic);
    if (thing === undefined) return undefined;
    // No more bytes than MAX_PAYLOAD_CHARS characters can take (4 each in UTF-8): a 128 KB message is
    // not decoded whole to keep its first 8 K characters.
    const head = Math.min(payload.byteLength, 4 * MAX_PAYLOAD_CHARS);
    const text = Buffer.from(payload.buffer, payload.byteOffset, head).toString("utf8");
    const message: RepublishedMessage = {
      topic,
      thing,
      receivedAt,
      payload: text.slice(0, MAX_PAYLOAD_CHARS),
      // Bytes beyond `head` mean more than MAX_PAYLOAD_CHARS characters were decoded already.
      truncated: text.length > MAX_PAYLOAD_CHARS,
      bytes: payload.byteLength,
    };
    const ring = this.#rings.get(thing) ?? [];
    ring.push(message);
    if (ring.length > this.#perThing) ring.splice(0, ring.length - this.#perThing);
    this.#rings.set(thing, ring);
    return message;
  }

  /** Newest first. */
  of(thing: string): readonly RepublishedMessage[] {
    return [...(this.#rings.peek(thing) ?? [])].reverse();
  }
}
