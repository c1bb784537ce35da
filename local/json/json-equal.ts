import { isDeepStrictEqual } from "node:util";

/**
 * Deep equality of JSON values, with one zero: JSON writes -0 as "0" and AWS compares numbers by value, but
 * `JSON.parse("-0")` is -0 and isDeepStrictEqual tells it from 0. So scalars compare with `===`, and containers
 * that differ strictly get a second look through their JSON text, which has no -0.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b;
  return isDeepStrictEqual(a, b) || isDeepStrictEqual(reparsed(a), reparsed(b));
}

function reparsed(value: object): unknown {
  return JSON.parse(JSON.stringify(value));
}
