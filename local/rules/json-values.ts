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
