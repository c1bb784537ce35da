/**
 * Makes sure a device's IoT thing exists and is ours, at most one control-plane call per device per
 * container in the steady state (none while the thing is cached).
 *
 * Express workflows are at-least-once and run in parallel, so this is idempotent and race-safe:
 * when two first messages of a device race, one creates the thing and the other gets
 * `ResourceAlreadyExistsException`, looks again and carries on.
 */
import { CreateThingCommand, type IoTClient, ResourceAlreadyExistsException } from "@aws-sdk/client-iot";
import { LRUCache } from "lru-cache";
import { ThingOwnedByAnotherStackError } from "../core/errors.ts";
import { describeExistingThing } from "../runtime/existing-thing.ts";

export interface ThingSpec {
  readonly thingName: string;
  /** Attributes set on creation; `stackName` also decides ownership. */
  readonly attributes: Readonly<Record<string, string>> & { readonly stackName: string };
}

export interface EnsureThingDeps {
  readonly iot: IoTClient;
  readonly thingTypeName: string;
  /** Things known to exist and to be ours. */
  readonly knownThings: KnownThings;
}

export type KnownThings = LRUCache<string, true>;

/**
 * Bounded through `maxSize` (every entry weighs 1), not `max`: with `max`, lru-cache allocates every
 * slot up front, ~2 ms of each cold start at the default 10,000 entries; this way the slots grow with use.
 */
export function createKnownThings(options: { maxEntries: number; ttlSeconds: number }): KnownThings {
  return new LRUCache<string, true>({
    maxSize: options.maxEntries,
    sizeCalculation: () => 1,
    ttl: options.ttlSeconds * 1000,
  });
}

export type EnsureThingOutcome = "cached" | "exists" | "created";

export async function ensureThing(spec: ThingSpec, deps: EnsureThingDeps): Promise<EnsureThingOutcome> {
  if (deps.knownThings.has(spec.thingName)) return "cached";

  const existing = await describeExistingThing(deps.iot, spec.thingName);
  if (existing !== undefined) {
    assertOurs(spec, existing);
    deps.knownThings.set(spec.thingName, true);
    return "exists";
  }

  try {
    await deps.iot.send(
      new CreateThingCommand({
        thingName: spec.thingName,
        thingTypeName: deps.thingTypeName,
        attributePayload: { attributes: { ...spec.attributes } },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceAlreadyExistsException)) throw error;
    // Someone else created it in between (a concurrent execution, or another deployment).
    const raced = await describeExistingThing(deps.iot, spec.thingName);
    if (raced === undefined) throw error;
    assertOurs(spec, raced);
    deps.knownThings.set(spec.thingName, true);
    return "exists";
  }
  deps.knownThings.set(spec.thingName, true);
  return "created";
}

/** A thing made by hand (no `stackName`) is used as is; one of another stack is never touched. */
function assertOurs(spec: ThingSpec, existing: { attributes: Record<string, string> }): void {
  const owner = existing.attributes["stackName"];
  if (owner !== undefined && owner !== spec.attributes.stackName) {
    throw new ThingOwnedByAnotherStackError(spec.thingName, owner, spec.attributes.stackName);
  }
}
