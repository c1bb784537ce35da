/**
 * `google.protobuf.FieldMask` on TTS's JSON: which paths a request may name (TTS's
 * `pkg/rpcmiddleware/validator` lists per RPC), writing the named fields of one message onto a stored
 * one, and keeping only the named fields of a stored one for an answer. Written by hand: no JSON
 * library follows proto field-mask rules (an absent field in the request clears the stored one).
 */

type Json = Record<string, unknown>;

/** Whether the mask names `field` or a field within it or around it (TTS's `HasAnyField`). */
export function maskCovers(paths: readonly string[], ...fields: readonly string[]): boolean {
  return paths.some((path) =>
    fields.some((field) => field === path || field.startsWith(`${path}.`) || path.startsWith(`${field}.`)),
  );
}

/**
 * The paths `allowed` does not list. An allowed entry ending in `.*` takes any path below it: the
 * Network Server's MAC settings and state run to hundreds of paths the simulator does not list one by one.
 */
export function forbiddenPaths(paths: readonly string[], allowed: ReadonlySet<string>): string[] {
  return paths.filter((path) => {
    if (allowed.has(path)) return false;
    const segments = path.split(".");
    return !segments.some((_, index) => index > 0 && allowed.has(`${segments.slice(0, index).join(".")}.*`));
  });
}

export function getAt(source: unknown, path: string): unknown {
  let value = source;
  for (const segment of path.split(".")) {
    if (!isObject(value) || !Object.hasOwn(value, segment)) return undefined;
    value = value[segment];
  }
  return value;
}

function setAt(target: Json, path: string, value: unknown): void {
  const segments = path.split(".");
  let parent = target;
  for (const segment of segments.slice(0, -1)) {
    const next = parent[segment];
    if (isObject(next)) parent = next;
    else {
      const created: Json = {};
      defineField(parent, segment, created);
      parent = created;
    }
  }
  defineField(parent, segments.at(-1)!, value);
}

function deleteAt(target: Json, path: string): void {
  const segments = path.split(".");
  const parent = getAt(target, segments.slice(0, -1).join("."));
  const container = segments.length === 1 ? target : parent;
  if (isObject(container)) delete container[segments.at(-1)!];
}

/** Writes the masked fields of `source` onto a copy of `target`; a masked field absent in `source` is cleared, as proto zero values are. */
export function applyFieldMask(target: Json, source: Json, paths: readonly string[]): Json {
  const result = structuredClone(target);
  for (const path of paths) {
    const value = getAt(source, path);
    if (value === undefined) deleteAt(result, path);
    else setAt(result, path, structuredClone(value));
  }
  return result;
}

/** Only the masked fields of `source` (copied). */
export function selectFields(source: Json, paths: readonly string[]): Json {
  const result: Json = {};
  for (const path of paths) {
    const value = getAt(source, path);
    if (value !== undefined) setAt(result, path, structuredClone(value));
  }
  return result;
}

/**
 * A GET's `field_mask` as grpc-gateway reads a `FieldMask` query parameter: comma-separated
 * (`field_mask=a,b`), or repeated (`field_mask=a&field_mask=b`, also as `field_mask.paths`).
 */
export function fieldMaskFromQuery(query: URLSearchParams): string[] {
  return [...query.getAll("field_mask"), ...query.getAll("field_mask.paths")]
    .flatMap((value) => value.split(","))
    .map((path) => path.trim())
    .filter((path) => path !== "");
}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `__proto__` from JSON is an own field like any other, never the prototype. */
function defineField(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
