/** A message payload: always its bytes, and its JSON object when it is one. */
import { isJsonObject, numberFromText } from "./json-values.ts";

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
    value = parseJson(text);
  } catch {
    return { bytes, document: undefined, notJsonReason: "the payload is not JSON" };
  }
  if (!isJsonObject(value))
    return { bytes, document: undefined, notJsonReason: "the payload is JSON but not an object" };
  return { bytes, document: value, notJsonReason: undefined };
}

/** Only a run of 16 or more digits can be an integer beyond 2^53: other payloads take the faster plain parse. */
const LONG_DIGIT_RUN = /\d{16}/;

function parseJson(text: string): unknown {
  return LONG_DIGIT_RUN.test(text) ? JSON.parse(text, keepIntegersExact) : JSON.parse(text);
}

/** `context.source` (JSON.parse source text access, Node.js 22) is the number as written in the payload. */
function keepIntegersExact(_key: string, value: unknown, context?: { source?: string }): unknown {
  return typeof value === "number" && context?.source !== undefined ? numberFromText(context.source) : value;
}
