/** JSON value helpers shared by the pure shadow logic. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isEmptyObject(value: JsonValue | undefined): boolean {
  return isJsonObject(value) && Object.keys(value).length === 0;
}

/** Levels of objects/arrays below `value` (a scalar is depth 0). */
export function nestingDepth(value: JsonValue): number {
  const children = Array.isArray(value) ? value : isJsonObject(value) ? Object.values(value) : undefined;
  if (children === undefined) return 0;
  return 1 + Math.max(0, ...children.map(nestingDepth));
}
