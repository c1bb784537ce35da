/** A message payload: always its bytes, and its JSON object when it is one. */
import { isJsonObject } from "./json-values.ts";

export interface Payload {
  readonly bytes: Uint8Array;
  /** Undefined when the payload is not a UTF-8 JSON object: field references then yield Undefined. */
  readonly document: Record<string, unknown> | undefined;
  /** Why `document` is undefined. */
  readonly notJsonReason: string | undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function readPayload(bytes: Uint8Array): Payload {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { bytes, document: undefined, notJsonReason: "the payload is not UTF-8 text" };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { bytes, document: undefined, notJsonReason: "the payload is not JSON" };
  }
  if (!isJsonObject(value))
    return { bytes, document: undefined, notJsonReason: "the payload is JSON but not an object" };
  return { bytes, document: value, notJsonReason: undefined };
}
