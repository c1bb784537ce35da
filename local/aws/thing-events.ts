/**
 * The registry's thing event messages, as AWS IoT publishes them once the account's THING events
 * are enabled (AWS IoT Core Developer Guide, "Registry events"): on `$aws/events/thing/<thingName>/
 * created|updated|deleted`, the thing as it is after the change (as it was, for a delete), with every
 * attribute — root keys included, which is why our rules select none.
 */
import { randomUUID } from "node:crypto";
import type { ThingRecord } from "./thing-registry.ts";

export type ThingOperation = "CREATED" | "UPDATED" | "DELETED";

export interface ThingEventMessage {
  readonly eventType: "THING_EVENT";
  readonly eventId: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly operation: ThingOperation;
  readonly accountId: string;
  readonly thingId: string;
  readonly thingName: string;
  readonly versionNumber: number;
  readonly thingTypeName: string | null;
  readonly attributes: Readonly<Record<string, string>>;
}

export function thingEvent(
  operation: ThingOperation,
  thing: ThingRecord,
  accountId: string,
  now: number = Date.now(),
): { readonly topic: string; readonly message: ThingEventMessage } {
  return {
    topic: `$aws/events/thing/${thing.thingName}/${operation.toLowerCase()}`,
    message: {
      eventType: "THING_EVENT",
      eventId: randomUUID(),
      timestamp: now,
      operation,
      accountId,
      thingId: thing.thingId,
      thingName: thing.thingName,
      versionNumber: thing.version,
      thingTypeName: thing.thingTypeName ?? null,
      attributes: { ...thing.attributes },
    },
  };
}
