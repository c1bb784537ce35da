/** The AWS IoT SQL data types of JSON values, and the conversions its operators allow. */

export type SqlType = "undefined" | "null" | "boolean" | "number" | "string" | "array" | "object";

export function sqlTypeOf(value: unknown): SqlType {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "boolean":
      return "boolean";
    case "number":
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

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Numbers, and strings that read entirely as a decimal number (AWS converts those for `<`, `>`…). */
export function toDecimal(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && DECIMAL.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** Booleans, and the strings "true"/"false" in any case (AWS converts those for AND, OR, NOT). */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const lower = value.toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : undefined;
}

export function deepEqual(left: unknown, right: unknown): boolean {
  const type = sqlTypeOf(left);
  if (type !== sqlTypeOf(right)) return false;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => deepEqual(item, right[index]));
  }
  if (isJsonObject(left) && isJsonObject(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key], right[key]));
  }
  return left === right;
}
