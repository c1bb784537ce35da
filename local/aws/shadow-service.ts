/**
 * Shadows of all things, kept on disk, with the MQTT messages AWS publishes on every change.
 * The document rules live in `shadow-document.ts`; this file adds storage, names and topics.
 */
import { join } from "node:path";
import { z } from "zod";
import { notFound } from "./errors.ts";
import { CoalescedJsonWriter, readJsonFileSync } from "./json-file.ts";
import type { JsonObject } from "./json-value.ts";
import { assertShadowName, assertThingName } from "./names.ts";
import type { PublishFn } from "./publish.ts";
import {
  applyShadowUpdate,
  deleteShadow,
  parseShadowUpdateRequest,
  type ShadowRecord,
  shadowDocument,
} from "./shadow-document.ts";
import { shadowTopic } from "./shadow-topics.ts";
import { ownRecord } from "./state-schema.ts";

/** The classic shadow's key in storage; named shadows cannot have an empty name. */
const CLASSIC = "";
const SHADOW_MESSAGE_OPTIONS = { qos: 1, retain: false } as const;

const ShadowSections = z.object({
  desired: z.record(z.string(), z.unknown()).exactOptional(),
  reported: z.record(z.string(), z.unknown()).exactOptional(),
});

/** `shadows.json`: thing name → shadow name (`""` for the classic shadow) → shadow. */
const StoredShadows = ownRecord(
  ownRecord(
    z.object({
      state: ShadowSections,
      metadata: ShadowSections,
      version: z.number().int(),
      timestamp: z.number(),
      deleted: z.literal(true).exactOptional(),
    }),
  ),
);
/** Maps, not objects: a thing may well be called `__proto__`. */
type Shadows = Map<string, Map<string, ShadowRecord>>;

export interface ShadowServiceOptions {
  readonly dataDir: string;
  readonly publish: PublishFn;
  readonly nowSeconds?: () => number;
}

export class ShadowService {
  readonly #shadows: Shadows;
  readonly #writer: CoalescedJsonWriter;
  readonly #publish: PublishFn;
  readonly #nowSeconds: () => number;

  constructor(options: ShadowServiceOptions) {
    const file = join(options.dataDir, "shadows.json");
    this.#shadows = (readJsonFileSync(file, StoredShadows) as Shadows | undefined) ?? new Map();
    this.#writer = new CoalescedJsonWriter({ file, snapshot: () => toStored(this.#shadows) });
    this.#publish = options.publish;
    this.#nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  async update(thingName: string, shadowName: string | undefined, payload: Uint8Array): Promise<JsonObject> {
    assertNames(thingName, shadowName);
    const request = parseShadowUpdateRequest(payload);
    const result = applyShadowUpdate(this.#find(thingName, shadowName), request, this.#nowSeconds());
    this.#store(thingName, shadowName, result.record);
    await this.#send(thingName, shadowName, "update/accepted", result.accepted);
    await this.#send(thingName, shadowName, "update/documents", result.documents);
    if (result.delta !== undefined) await this.#send(thingName, shadowName, "update/delta", result.delta);
    return result.accepted;
  }

  get(thingName: string, shadowName: string | undefined): JsonObject {
    assertNames(thingName, shadowName);
    const document = shadowDocument(this.#find(thingName, shadowName), this.#nowSeconds());
    if (document === undefined) throw noShadow(thingName, shadowName);
    return document;
  }

  async delete(thingName: string, shadowName: string | undefined): Promise<JsonObject> {
    assertNames(thingName, shadowName);
    const deleted = deleteShadow(this.#find(thingName, shadowName), this.#nowSeconds());
    if (deleted === undefined) throw noShadow(thingName, shadowName);
    this.#store(thingName, shadowName, deleted.record);
    await this.#send(thingName, shadowName, "delete/accepted", deleted.response);
    return deleted.response;
  }

  /** Names of the thing's named shadows (not the classic one), sorted. */
  namedShadows(thingName: string): string[] {
    assertThingName(thingName);
    return [...(this.#shadows.get(thingName) ?? [])]
      .filter(([name, record]) => name !== CLASSIC && !record.deleted)
      .map(([name]) => name)
      .sort();
  }

  flush(): Promise<void> {
    return this.#writer.flush();
  }

  #find(thingName: string, shadowName: string | undefined): ShadowRecord | undefined {
    return this.#shadows.get(thingName)?.get(shadowName ?? CLASSIC);
  }

  #store(thingName: string, shadowName: string | undefined, record: ShadowRecord): void {
    const shadows = this.#shadows.get(thingName) ?? new Map<string, ShadowRecord>();
    this.#shadows.set(thingName, shadows.set(shadowName ?? CLASSIC, record));
    this.#writer.schedule();
  }

  #send(thingName: string, shadowName: string | undefined, suffix: string, message: JsonObject): Promise<void> {
    const topic = shadowTopic(thingName, shadowName, suffix);
    return this.#publish(topic, Buffer.from(JSON.stringify(message)), SHADOW_MESSAGE_OPTIONS);
  }
}

function assertNames(thingName: string, shadowName: string | undefined): void {
  assertThingName(thingName);
  if (shadowName !== undefined) assertShadowName(shadowName);
}

function noShadow(thingName: string, shadowName: string | undefined): Error {
  const name = shadowName === undefined ? thingName : `${thingName}~${shadowName}`;
  return notFound(`No shadow exists with name: '${name}'`);
}

function toStored(shadows: Shadows): Record<string, Record<string, ShadowRecord>> {
  return Object.fromEntries([...shadows].map(([thing, named]) => [thing, Object.fromEntries(named)]));
}
