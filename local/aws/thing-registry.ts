/**
 * The IoT thing registry (things and thing types), kept on disk, with AWS's rules: CreateThing is
 * idempotent for the same configuration and conflicts otherwise, a thing type must exist before a
 * thing uses it, `expectedVersion` guards updates and deletes, DeleteThing of a missing thing succeeds.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { AwsError, invalidRequest, notFound } from "./errors.ts";
import { CoalescedJsonWriter, readJsonFileSync } from "./json-file.ts";
import { LOCAL_ACCOUNT_ID } from "./local-account.ts";
import { assertAttributes, assertThingName, assertThingTypeName, assertThingTypeProperties } from "./names.ts";
import { paginate } from "./pagination.ts";
import { ownRecord } from "./state-schema.ts";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 250;

export type Attributes = Record<string, string>;

/** A thing was created, updated or deleted (with the thing as it is now, or was before its deletion). */
export type ThingChangeListener = (operation: "CREATED" | "UPDATED" | "DELETED", thing: ThingRecord) => void;

export interface ThingRecord {
  readonly thingName: string;
  readonly thingId: string;
  readonly thingArn: string;
  readonly thingTypeName?: string;
  readonly attributes: Attributes;
  readonly version: number;
}

/** Request shapes take `undefined` for an absent field, as the SDK's do: they are parsed JSON bodies. */
export interface ThingTypeProperties {
  readonly thingTypeDescription?: string | undefined;
  readonly searchableAttributes?: string[] | undefined;
}

export interface ThingTypeRecord {
  readonly thingTypeName: string;
  readonly thingTypeId: string;
  readonly thingTypeArn: string;
  readonly thingTypeProperties: ThingTypeProperties;
  /** Epoch seconds. */
  readonly creationDate: number;
}

export interface AttributePayload {
  readonly attributes?: Attributes | undefined;
  /** Merge into the existing attributes (an empty value removes one) instead of replacing them all. */
  readonly merge?: boolean | undefined;
}

export interface ListThingsFilter {
  readonly attributeName?: string;
  readonly attributeValue?: string;
  readonly usePrefixAttributeValue?: boolean;
  readonly thingTypeName?: string;
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface UpdateThingRequest {
  readonly thingName: string;
  readonly thingTypeName?: string | undefined;
  readonly removeThingType?: boolean | undefined;
  readonly attributePayload?: AttributePayload | undefined;
  readonly expectedVersion?: number | undefined;
}

/** Every own key: an attribute may be named `__proto__`, which `z.record` would skip. */
export const AttributesSchema = ownRecord(z.string()).transform((attributes) => Object.fromEntries(attributes));

const StoredThing = z.object({
  thingName: z.string().min(1),
  thingId: z.string(),
  thingArn: z.string(),
  thingTypeName: z.string().exactOptional(),
  attributes: AttributesSchema,
  version: z.number().int(),
});

const StoredThingType = z.object({
  thingTypeName: z.string().min(1),
  thingTypeId: z.string(),
  thingTypeArn: z.string(),
  thingTypeProperties: z.object({
    thingTypeDescription: z.string().exactOptional(),
    searchableAttributes: z.array(z.string()).exactOptional(),
  }),
  creationDate: z.number(),
});

/** `registry.json`, as read back. */
const RegistryFile = z.object({ things: z.array(StoredThing), thingTypes: z.array(StoredThingType) });

interface StoredRegistry {
  readonly things: ThingRecord[];
  readonly thingTypes: ThingTypeRecord[];
}

export class ThingRegistry {
  readonly #region: string;
  readonly #things: Map<string, ThingRecord>;
  readonly #thingTypes: Map<string, ThingTypeRecord>;
  readonly #writer: CoalescedJsonWriter;
  readonly #onChange: ThingChangeListener;

  /** @param options.onChange told of every thing created, updated or deleted (the registry events' source) */
  constructor(options: { dataDir: string; region: string; onChange?: ThingChangeListener }) {
    this.#onChange = options.onChange ?? (() => undefined);
    const file = join(options.dataDir, "registry.json");
    const stored = readJsonFileSync(file, RegistryFile);
    this.#region = options.region;
    this.#things = new Map(stored?.things.map((thing) => [thing.thingName, thing]));
    this.#thingTypes = new Map(stored?.thingTypes.map((type) => [type.thingTypeName, type]));
    this.#writer = new CoalescedJsonWriter({
      file,
      snapshot: (): StoredRegistry => ({
        things: [...this.#things.values()],
        thingTypes: [...this.#thingTypes.values()],
      }),
    });
  }

  createThing(request: { thingName: string; thingTypeName?: string; attributes?: Attributes }) {
    assertThingName(request.thingName);
    const attributes = withoutEmptyValues(request.attributes ?? {});
    // Request validation (400) comes before the lookup of the thing type (404), as on AWS.
    assertAttributes(attributes, request.thingTypeName !== undefined);
    if (request.thingTypeName !== undefined) this.#thingType(request.thingTypeName);

    const existing = this.#things.get(request.thingName);
    if (existing !== undefined) {
      if (existing.thingTypeName !== request.thingTypeName || !sameAttributes(existing.attributes, attributes)) {
        throw new AwsError(
          "ResourceAlreadyExistsException",
          `Thing ${request.thingName} already exists with a different configuration`,
          409,
        );
      }
      return created(existing);
    }
    const thing: ThingRecord = {
      thingName: request.thingName,
      thingId: randomUUID(),
      thingArn: `arn:aws:iot:${this.#region}:${LOCAL_ACCOUNT_ID}:thing/${request.thingName}`,
      ...(request.thingTypeName === undefined ? {} : { thingTypeName: request.thingTypeName }),
      attributes,
      version: 1,
    };
    this.#save(thing);
    this.#onChange("CREATED", thing);
    return created(thing);
  }

  describeThing(thingName: string) {
    const thing = this.#thing(thingName);
    return { defaultClientId: thing.thingName, ...thing };
  }

  listThings(filter: ListThingsFilter) {
    const maxResults = filter.maxResults ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_PAGE_SIZE) {
      throw invalidRequest(`maxResults must be between 1 and ${MAX_PAGE_SIZE}`);
    }
    if (filter.attributeValue !== undefined && filter.attributeName === undefined) {
      throw invalidRequest("attributeValue requires attributeName");
    }
    const matching = [...this.#things.values()]
      .filter((thing) => matchesFilter(thing, filter))
      .sort((a, b) => (a.thingName < b.thingName ? -1 : a.thingName > b.thingName ? 1 : 0));
    const page = paginate(matching, maxResults, filter.nextToken);
    return { things: page.items, ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
  }

  updateThing(request: UpdateThingRequest): Record<string, never> {
    const thing = this.#thing(request.thingName);
    assertExpectedVersion(thing, request.expectedVersion);
    if (request.removeThingType === true && request.thingTypeName !== undefined) {
      throw invalidRequest("Cannot both set thingTypeName and removeThingType");
    }
    if (request.thingTypeName !== undefined) this.#thingType(request.thingTypeName);
    const attributes = updatedAttributes(thing.attributes, request.attributePayload);
    const { thingTypeName: _previousType, ...rest } = thing;
    const thingTypeName = request.removeThingType === true ? undefined : (request.thingTypeName ?? thing.thingTypeName);
    assertAttributes(attributes, thingTypeName !== undefined);
    const updated: ThingRecord = {
      ...rest,
      ...(thingTypeName === undefined ? {} : { thingTypeName }),
      attributes,
      version: thing.version + 1,
    };
    this.#save(updated);
    this.#onChange("UPDATED", updated);
    return {};
  }

  deleteThing(request: { thingName: string; expectedVersion?: number }): Record<string, never> {
    assertThingName(request.thingName);
    const thing = this.#things.get(request.thingName);
    if (thing === undefined) return {};
    assertExpectedVersion(thing, request.expectedVersion);
    this.#things.delete(request.thingName);
    this.#writer.schedule();
    this.#onChange("DELETED", thing);
    return {};
  }

  createThingType(request: { thingTypeName: string; thingTypeProperties?: ThingTypeProperties | undefined }) {
    assertThingTypeName(request.thingTypeName);
    const properties = request.thingTypeProperties ?? {};
    assertThingTypeProperties(properties);
    const existing = this.#thingTypes.get(request.thingTypeName);
    if (existing !== undefined) {
      if (JSON.stringify(existing.thingTypeProperties) !== JSON.stringify(properties)) {
        throw new AwsError(
          "ResourceAlreadyExistsException",
          `Thing type ${request.thingTypeName} already exists with different properties`,
          409,
        );
      }
      return typeCreated(existing);
    }
    const type: ThingTypeRecord = {
      thingTypeName: request.thingTypeName,
      thingTypeId: randomUUID(),
      thingTypeArn: `arn:aws:iot:${this.#region}:${LOCAL_ACCOUNT_ID}:thingtype/${request.thingTypeName}`,
      thingTypeProperties: properties,
      creationDate: Math.floor(Date.now() / 1000),
    };
    this.#thingTypes.set(type.thingTypeName, type);
    this.#writer.schedule();
    return typeCreated(type);
  }

  describeThingType(thingTypeName: string) {
    const { creationDate, ...type } = this.#thingType(thingTypeName);
    return { ...type, thingTypeMetadata: { deprecated: false, creationDate } };
  }

  flush(): Promise<void> {
    return this.#writer.flush();
  }

  #thing(thingName: string): ThingRecord {
    assertThingName(thingName);
    const thing = this.#things.get(thingName);
    if (thing === undefined) throw notFound(`Thing ${thingName} cannot be found.`);
    return thing;
  }

  #thingType(thingTypeName: string): ThingTypeRecord {
    assertThingTypeName(thingTypeName);
    const type = this.#thingTypes.get(thingTypeName);
    if (type === undefined) throw notFound(`Thing type ${thingTypeName} cannot be found.`);
    return type;
  }

  #save(thing: ThingRecord): void {
    this.#things.set(thing.thingName, thing);
    this.#writer.schedule();
  }
}

function created(thing: ThingRecord) {
  return { thingName: thing.thingName, thingArn: thing.thingArn, thingId: thing.thingId };
}

function typeCreated(type: ThingTypeRecord) {
  return { thingTypeName: type.thingTypeName, thingTypeArn: type.thingTypeArn, thingTypeId: type.thingTypeId };
}

function assertExpectedVersion(thing: ThingRecord, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== thing.version) {
    throw new AwsError(
      "VersionConflictException",
      `The version for thing ${thing.thingName} does not match the expected version (${thing.version} != ${expectedVersion}).`,
      409,
    );
  }
}

export function updatedAttributes(current: Attributes, payload: AttributePayload | undefined): Attributes {
  if (payload?.attributes === undefined) return current;
  return withoutEmptyValues(payload.merge === true ? { ...current, ...payload.attributes } : payload.attributes);
}

function withoutEmptyValues(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== ""));
}

function sameAttributes(a: Attributes, b: Attributes): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

export function matchesFilter(thing: ThingRecord, filter: ListThingsFilter): boolean {
  if (filter.thingTypeName !== undefined && thing.thingTypeName !== filter.thingTypeName) return false;
  if (filter.attributeName === undefined) return true;
  if (!Object.hasOwn(thing.attributes, filter.attributeName)) return false;
  const value = thing.attributes[filter.attributeName] ?? "";
  if (filter.attributeValue === undefined) return true;
  return filter.usePrefixAttributeValue === true
    ? value.startsWith(filter.attributeValue)
    : value === filter.attributeValue;
}
