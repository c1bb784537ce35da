/**
 * Name rules AWS enforces, so a name that works here also works in AWS. The limits are the functions'
 * own (`functions/core/aws-limits.ts`); the messages follow AWS's request validation:
 * `1 validation error detected: Value '<value>' at '<field>' failed to satisfy constraint: <constraint>`.
 */
import {
  THING_LIMITS,
  THING_PATTERN_TEXT,
  thingAttributesProblem,
  thingNameProblem,
} from "../../functions/core/aws-limits.ts";
import { invalidRequest } from "./errors.ts";

const SHADOW_NAME = /^[a-zA-Z0-9:_-]{1,64}$/;

function validationError(value: unknown, field: string, constraint: string) {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return invalidRequest(
    `1 validation error detected: Value '${shown}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

export function assertThingName(name: string): void {
  const problem = thingNameProblem(name);
  if (problem !== undefined) throw validationError(name, "thingName", problem);
}

export function assertThingTypeName(name: string): void {
  const problem = thingNameProblem(name);
  if (problem !== undefined) throw validationError(name, "thingTypeName", problem);
}

export function assertShadowName(name: string): void {
  if (!SHADOW_NAME.test(name)) {
    throw invalidRequest(`Invalid shadow name '${name}': 1 to 64 characters of a-z A-Z 0-9 : _ -`);
  }
}

/** A thing's attributes as they would be stored, with or without a thing type (3 without, 50 with). */
export function assertAttributes(attributes: Readonly<Record<string, string>>, hasThingType: boolean): void {
  const problem = thingAttributesProblem(attributes, hasThingType);
  if (problem === undefined) return;
  if (problem.startsWith("Map ")) throw validationError(attributes, "attributePayload.attributes", problem);
  throw invalidRequest(problem);
}

/** CreateThingType's properties: at most 3 searchable attributes, named as attributes are; a bounded description. */
export function assertThingTypeProperties(properties: {
  readonly thingTypeDescription?: string | undefined;
  readonly searchableAttributes?: readonly string[] | undefined;
}): void {
  const L = THING_LIMITS;
  const description = properties.thingTypeDescription;
  if (description !== undefined && description.length > L.maxThingTypeDescriptionLength) {
    throw validationError(
      description,
      "thingTypeProperties.thingTypeDescription",
      `Member must have length less than or equal to ${L.maxThingTypeDescriptionLength}`,
    );
  }
  const searchable = properties.searchableAttributes ?? [];
  for (const name of searchable) {
    if (name.length > L.maxAttributeNameLength || !L.attributeNamePattern.test(name)) {
      throw validationError(
        searchable,
        "thingTypeProperties.searchableAttributes",
        `Member must satisfy constraint: [Member must have length less than or equal to ${L.maxAttributeNameLength}, Member must satisfy regular expression pattern: ${THING_PATTERN_TEXT.attributeName}]`,
      );
    }
  }
  if (searchable.length > L.maxSearchableAttributes) {
    throw invalidRequest(
      `a thing type can have at most ${L.maxSearchableAttributes} searchable attributes; got ${searchable.length}`,
    );
  }
}
