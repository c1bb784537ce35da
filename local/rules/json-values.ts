/**
 * The AWS IoT SQL data types of JSON values, and the conversions its operators allow
 * (AWS IoT SQL reference, "Data types" and its "Conversions" tables).
 *
 * Numbers are `number`, except integers beyond 2^53, which are `bigint`: AWS keeps an Int exactly (up to 34
 * digits), so a 64-bit device id compares and passes through without losing its last digits.
 */

export type SqlType = "undefined" | "null" | "boolean" | "number" | "string" | "array" | "object";

export type SqlNumber = number | bigint;

export function sqlTypeOf(value: unknown): SqlType {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "boolean":
      return "boolean";
    case "number":
    case "bigint":
      return "number";
    case "string":
      return "string";
    default:
      return "object";
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return sqlTypeOf(value) === "object";
}

const INTEGER_TEXT = /^-?\d+$/;

/** A JSON or SQL number literal's value: exact for integers of any size, a double otherwise. */
export function numberFromText(text: string): SqlNumber {
  const value = Number(text);
  return INTEGER_TEXT.test(text) && !Number.isSafeInteger(value) ? BigInt(text) : value;
}

/** "Conversions", To Decimal: the only strings AWS converts (so `" 60"`, `"+5"`, `".5"`, `"0x10"` are not numbers). */
const AWS_DECIMAL_STRING = /^-?\d+(\.\d+)?([eE]-?\d+)?$/;

/** Numbers, and strings AWS converts to Decimal; anything else is Undefined. */
export function toDecimal(value: unknown): SqlNumber | undefined {
  if (typeof value === "number" || typeof value === "bigint") return value;
  if (typeof value === "string" && AWS_DECIMAL_STRING.test(value)) return numberFromText(value);
  return undefined;
}

/**
 * "Conversions", To Int: a Decimal is rounded to the nearest Int (halves away from zero, as round() documents),
 * a String is converted to Decimal and then truncated; Boolean, Array, Object, Null and Undefined convert to no Int.
 */
export function toInt(value: unknown): SqlNumber | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return Math.sign(value) * Math.round(Math.abs(value));
  if (typeof value !== "string") return undefined;
  const decimal = toDecimal(value);
  return typeof decimal === "number" ? Math.trunc(decimal) : decimal;
}

/** Booleans, and the strings "true"/"false" in any case (AWS converts those for AND, OR, NOT). */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const lower = value.toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : undefined;
}

/** Exact comparison of two numbers, either of which may be a bigint. */
export function compareNumbers(a: SqlNumber, b: SqlNumber): -1 | 0 | 1 {
  // The relational operators compare a bigint with a number by their exact values.
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** JSON text of a SQL value, bigints written with all their digits (as AWS writes an Int). */
export function sqlJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    typeof member === "bigint" ? rawJson(member.toString()) : member,
  );
}

/**
 * What a JavaScript consumer reading the rule's output with `JSON.parse` sees (the deployed Node.js Lambdas
 * do): bigints become the nearest double. Returns `value` itself when it holds no bigint.
 */
export function asParsedByJavaScript(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) {
    const items = value.map(asParsedByJavaScript);
    return items.every((item, index) => item === value[index]) ? value : items;
  }
  if (!isJsonObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, member] of Object.entries(value)) {
    const converted = asParsedByJavaScript(member);
    if (converted === member) continue;
    copy ??= { ...value };
    Object.defineProperty(copy, key, { value: converted, enumerable: true, writable: true, configurable: true });
  }
  return copy ?? value;
}
