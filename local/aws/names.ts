/** Name rules AWS enforces, so a name that works here also works in AWS. */
import { invalidRequest } from "./errors.ts";

const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const SHADOW_NAME = /^[a-zA-Z0-9:_-]{1,64}$/;

export function assertThingName(name: string): void {
  if (!THING_NAME.test(name)) {
    throw invalidRequest(`Invalid thing name '${name}': 1 to 128 characters of a-z A-Z 0-9 : _ -`);
  }
}

export function assertThingTypeName(name: string): void {
  if (!THING_NAME.test(name)) {
    throw invalidRequest(`Invalid thing type name '${name}': 1 to 128 characters of a-z A-Z 0-9 : _ -`);
  }
}

export function assertShadowName(name: string): void {
  if (!SHADOW_NAME.test(name)) {
    throw invalidRequest(`Invalid shadow name '${name}': 1 to 64 characters of a-z A-Z 0-9 : _ -`);
  }
}

const ATTRIBUTE_NAME = /^[a-zA-Z0-9_.,@/:#-]{1,128}$/;
const ATTRIBUTE_VALUE = /^[a-zA-Z0-9_.,@/:#=[\]-]{0,800}$/;

/** AWS refuses, among others, spaces in attribute values: better to learn it here. */
export function assertAttributes(attributes: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!ATTRIBUTE_NAME.test(name)) throw invalidRequest(`Invalid attribute name '${name}'`);
    if (!ATTRIBUTE_VALUE.test(value)) throw invalidRequest(`Invalid value '${value}' for attribute '${name}'`);
  }
}
