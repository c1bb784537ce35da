/**
 * Device shadow documents as AWS IoT documents them, as pure functions (no I/O, time passed in).
 *
 * - `state.desired` / `state.reported` are deep-merged; a `null` value deletes its key, and objects
 *   left empty disappear; `state.desired: null` (or `state: null`) clears whole sections.
 * - Every update increments `version`; an update carrying `version` is rejected unless it equals
 *   the current version (optimistic locking). A deleted shadow keeps counting from its last version.
 * - `metadata` mirrors the state with `{ timestamp }` (epoch seconds) on every leaf it last set.
 * - `delta` holds the desired values that differ from reported (deep).
 */

import { hasNullInArray, IOT_MESSAGE_LIMITS, SHADOW_LIMITS } from "../../functions/core/aws-limits.ts";
import { jsonEqual } from "../json/json-equal.ts";
import { AwsError, invalidRequest } from "./errors.ts";
import { cloneJson, isEmptyObject, isJsonObject, type JsonObject, type JsonValue, nestingDepth } from "./json-value.ts";

/** The request itself is an MQTT-sized message; the 8 KB limit is on the merged state. */
export const MAX_SHADOW_REQUEST_BYTES = IOT_MESSAGE_LIMITS.maxPayloadBytes;
const MAX_SECTION_DEPTH = SHADOW_LIMITS.maxDepth;
const SECTIONS = ["desired", "reported"] as const;
type Section = (typeof SECTIONS)[number];

export type ShadowState = Partial<Record<Section, JsonObject>>;

export interface ShadowRecord {
  readonly state: ShadowState;
  readonly metadata: ShadowState;
  readonly version: number;
  /** Seconds of the last change. */
  readonly timestamp: number;
  /** A tombstone: the shadow was deleted but its version keeps counting, as in AWS. */
  readonly deleted?: true;
}

export interface ShadowUpdateRequest {
  /** `null` clears the whole state. */
  readonly state: Partial<Record<Section, JsonObject | null>> | null;
  readonly version?: number;
  readonly clientToken?: string;
}

export interface ShadowUpdateResult {
  readonly record: ShadowRecord;
  /** Returned to the caller and published on `…/update/accepted`. */
  readonly accepted: JsonObject;
  /** Published on `…/update/documents`. */
  readonly documents: JsonObject;
  /** Published on `…/update/delta`; absent when desired and reported agree. */
  readonly delta?: JsonObject;
}

export function parseShadowUpdateRequest(payload: Uint8Array): ShadowUpdateRequest {
  if (payload.byteLength > MAX_SHADOW_REQUEST_BYTES) {
    throw new AwsError("RequestEntityTooLargeException", `Payload exceeds ${MAX_SHADOW_REQUEST_BYTES} bytes`, 413);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(payload);
  } catch {
    throw new AwsError("UnsupportedDocumentEncodingException", "Document encoding is not supported: UTF-8 only", 415);
  }
  let body: unknown;
  try {
    body = mayNameProto(text) ? JSON.parse(text, rejectProtoKey) : JSON.parse(text);
  } catch (error) {
    throw error instanceof AwsError ? error : invalidRequest("Payload contains invalid json");
  }
  if (hasNullInArray(body)) throw invalidRequest("Payload contains invalid json: null is not allowed inside an array");
  if (!isJsonObject(body)) throw invalidRequest("Payload must be a JSON object");
  if (!("state" in body)) throw invalidRequest("Missing required node: state");
  const { state, version, clientToken } = body;
  if (version !== undefined && !Number.isSafeInteger(version))
    throw invalidRequest("Invalid version: must be an integer");
  if (clientToken !== undefined && (typeof clientToken !== "string" || clientToken.length > 64)) {
    throw invalidRequest("Invalid clientToken: must be a string of at most 64 characters");
  }
  return {
    state: parseState(state),
    ...(typeof version === "number" ? { version } : {}),
    ...(typeof clientToken === "string" ? { clientToken } : {}),
  };
}

/**
 * Whether a key of the text could be `__proto__`: written out, or through a `\u` escape (the only
 * JSON escape that gives letters or `_`). Otherwise the reviver, which turns off V8's fast JSON
 * parse and was most of an update's parsing time, is not needed.
 */
function mayNameProto(text: string): boolean {
  return text.includes("__proto__") || text.includes("\\u");
}

/** Merging walks documents with plain objects, where `__proto__` would set a prototype. */
function rejectProtoKey(key: string, value: unknown): unknown {
  if (key === "__proto__") throw invalidRequest("Payload contains the reserved key '__proto__'");
  return value;
}

function parseState(state: JsonValue | undefined): ShadowUpdateRequest["state"] {
  if (state === null) return null;
  if (!isJsonObject(state)) throw invalidRequest("State node must be an object");
  for (const [key, value] of Object.entries(state)) {
    if (!(SECTIONS as readonly string[]).includes(key))
      throw invalidRequest(`State contains an invalid node: '${key}'`);
    if (value !== null && !isJsonObject(value)) throw invalidRequest(`State node '${key}' must be an object or null`);
    if (value !== null && nestingDepth(value) > MAX_SECTION_DEPTH) {
      throw invalidRequest(`JSON contains too many levels of nesting; maximum is ${MAX_SECTION_DEPTH}`);
    }
  }
  return state as ShadowUpdateRequest["state"];
}

export function applyShadowUpdate(
  previous: ShadowRecord | undefined,
  request: ShadowUpdateRequest,
  nowSeconds: number,
): ShadowUpdateResult {
  const existing = previous?.deleted ? undefined : previous;
  const currentVersion = previous?.version ?? 0;
  if (request.version !== undefined && request.version !== currentVersion) {
    throw new AwsError("ConflictException", "Version conflict", 409);
  }

  const state: ShadowState = cloneJson(existing?.state ?? {});
  const metadata: ShadowState = cloneJson(existing?.metadata ?? {});
  for (const section of SECTIONS) {
    const patch = request.state === null ? null : request.state[section];
    if (patch === undefined) continue;
    if (patch === null) {
      delete state[section];
      delete metadata[section];
      continue;
    }
    const merged = state[section] ?? {};
    const mergedMetadata = metadata[section] ?? {};
    mergeInto(merged, patch, mergedMetadata, nowSeconds);
    state[section] = merged;
    metadata[section] = mergedMetadata;
    if (isEmptyObject(merged)) {
      delete state[section];
      delete metadata[section];
    }
  }

  const stateBytes = Buffer.byteLength(JSON.stringify(state), "utf8");
  if (stateBytes > SHADOW_LIMITS.maxStateBytes) {
    throw new AwsError(
      "RequestEntityTooLargeException",
      `The shadow state would be ${stateBytes} bytes after the update; the limit is ${SHADOW_LIMITS.maxStateBytes}`,
      413,
    );
  }
  const record: ShadowRecord = { state, metadata, version: currentVersion + 1, timestamp: nowSeconds };
  const echo: JsonObject = request.clientToken === undefined ? {} : { clientToken: request.clientToken };
  const requestedState = request.state as JsonObject | null;
  const accepted: JsonObject = {
    state: requestedState,
    metadata: metadataFor(requestedState, nowSeconds),
    version: record.version,
    timestamp: nowSeconds,
    ...echo,
  };
  const documents: JsonObject = {
    previous: existing === undefined ? null : snapshot(existing),
    current: snapshot(record),
    timestamp: nowSeconds,
    ...echo,
  };
  const delta = shadowDelta(state);
  if (delta === undefined) return { record, accepted, documents };
  return {
    record,
    accepted,
    documents,
    delta: {
      version: record.version,
      timestamp: nowSeconds,
      state: delta,
      metadata: metadataOf(delta, metadata.desired ?? {}),
      ...echo,
    },
  };
}

/** GetThingShadow's document; `undefined` when there is no shadow. */
export function shadowDocument(record: ShadowRecord | undefined, nowSeconds: number): JsonObject | undefined {
  if (record === undefined || record.deleted) return undefined;
  const delta = shadowDelta(record.state);
  return {
    state: { ...cloneJson(record.state), ...(delta === undefined ? {} : { delta }) },
    metadata: cloneJson(record.metadata),
    version: record.version,
    timestamp: nowSeconds,
  };
}

/** DeleteThingShadow: a tombstone to store and the response; `undefined` when there is no shadow. */
export function deleteShadow(
  record: ShadowRecord | undefined,
  nowSeconds: number,
): { record: ShadowRecord; response: JsonObject } | undefined {
  if (record === undefined || record.deleted) return undefined;
  return {
    record: { state: {}, metadata: {}, version: record.version, timestamp: nowSeconds, deleted: true },
    response: { version: record.version, timestamp: nowSeconds },
  };
}

/** Desired values that differ from reported; `undefined` when there are none. */
export function shadowDelta(state: ShadowState): JsonObject | undefined {
  const delta = diff(state.desired ?? {}, state.reported ?? {});
  return isEmptyObject(delta) ? undefined : delta;
}

function diff(desired: JsonObject, reported: JsonObject): JsonObject {
  const delta: JsonObject = {};
  for (const [key, wanted] of Object.entries(desired)) {
    const actual = reported[key];
    if (isJsonObject(wanted) && isJsonObject(actual)) {
      const nested = diff(wanted, actual);
      if (!isEmptyObject(nested)) delta[key] = nested;
    } else if (!jsonEqual(wanted, actual)) {
      delta[key] = cloneJson(wanted);
    }
  }
  return delta;
}

function mergeInto(target: JsonObject, patch: JsonObject, metadata: JsonObject, nowSeconds: number): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
      delete metadata[key];
    } else if (isJsonObject(value)) {
      const existing = target[key];
      const child = isJsonObject(existing) ? existing : {};
      const existingMetadata = metadata[key];
      const childMetadata = isJsonObject(existing) && isJsonObject(existingMetadata) ? existingMetadata : {};
      mergeInto(child, value, childMetadata, nowSeconds);
      if (isEmptyObject(child)) {
        delete target[key];
        delete metadata[key];
      } else {
        target[key] = child;
        metadata[key] = childMetadata;
      }
    } else {
      target[key] = cloneJson(value);
      metadata[key] = metadataFor(value, nowSeconds);
    }
  }
}

/** Metadata mirrors the value's shape down to its leaves, each stamped `{ timestamp }`. */
function metadataFor(value: JsonValue, nowSeconds: number): JsonValue {
  if (Array.isArray(value)) return value.map((item) => metadataFor(item, nowSeconds));
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, metadataFor(item, nowSeconds)]));
  }
  return { timestamp: nowSeconds };
}

/** The part of `metadata` that describes the keys of `value`. */
function metadataOf(value: JsonObject, metadata: JsonObject): JsonObject {
  const picked: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const itemMetadata = metadata[key];
    if (itemMetadata === undefined) continue;
    picked[key] = isJsonObject(item) && isJsonObject(itemMetadata) ? metadataOf(item, itemMetadata) : itemMetadata;
  }
  return picked;
}

/** Shares the record's state: a record is never changed once made (an update clones the state it merges into). */
function snapshot(record: ShadowRecord): JsonObject {
  return { state: record.state as JsonObject, metadata: record.metadata as JsonObject, version: record.version };
}
