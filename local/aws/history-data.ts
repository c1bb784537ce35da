/**
 * Execution data in history events, cut as Step Functions cuts it for CloudWatch Logs (where an Express
 * workflow's history lives): "If escaped input or escaped output sent to CloudWatch Logs exceeds 248KB, it
 * will be truncated as a result of CloudWatch Logs quotas", and the event's `inputDetails`/`outputDetails`
 * (HistoryEventExecutionDataDetails) then say `truncated: true`.
 * Sources: Step Functions Developer Guide, "Logging using CloudWatch Logs" (CloudWatch Logs payloads);
 * Step Functions API Reference, "HistoryEventExecutionDataDetails".
 */

/** 248 KB of escaped data (the text as a JSON string literal, without its quotes), in UTF-8 bytes. */
export const HISTORY_DATA_LIMIT_BYTES = 248 * 1024;

/** JSON escaping makes a character at most 6 bytes (`\u001f`): shorter texts never need measuring. */
const MAX_ESCAPE_GROWTH = 6;
/** Control characters JSON writes as two bytes (`\b \t \n \f \r`); the others take six (`\u0001`). */
const SHORT_ESCAPES = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

/** `text` as a history event carries it: whole, or cut to the longest prefix whose escaped form fits the limit. */
export function truncatedHistoryData(text: string): { readonly text: string; readonly truncated: boolean } {
  if (text.length * MAX_ESCAPE_GROWTH <= HISTORY_DATA_LIMIT_BYTES || fitsAtFirstSight(text)) {
    return { text, truncated: false };
  }
  const length = fittingPrefixLength(text, HISTORY_DATA_LIMIT_BYTES);
  return length === text.length ? { text, truncated: false } : { text: text.slice(0, length), truncated: true };
}

/** What the quick count cannot size: control characters and surrogates (JSON text has neither but emoji). */
const NEEDS_A_SCAN = /[^\u0020-\ud7ff\ue000-\uffff]/;

/**
 * Most data is JSON text (no raw control characters): its escaped size is its UTF-8 size plus one byte per
 * `"` and `\\`, counted with native searches — a fraction of a millisecond for 256 KB.
 */
function fitsAtFirstSight(text: string): boolean {
  if (NEEDS_A_SCAN.test(text)) return false;
  let bytes = Buffer.byteLength(text);
  for (const escaped of ['"', "\\"]) {
    for (
      let at = text.indexOf(escaped);
      at !== -1 && bytes <= HISTORY_DATA_LIMIT_BYTES;
      at = text.indexOf(escaped, at + 1)
    ) {
      bytes += 1;
    }
  }
  return bytes <= HISTORY_DATA_LIMIT_BYTES;
}

/**
 * One pass over `text`, adding up each character's size once escaped as a JSON string and UTF-8 encoded
 * (what JSON.stringify then Buffer.byteLength would give, without building either).
 * @returns the number of UTF-16 units of the longest prefix within `limit` (never half a surrogate pair).
 */
function fittingPrefixLength(text: string, limit: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let size: number;
    let units = 1;
    if (code < 0x80) {
      if (code < 0x20) size = SHORT_ESCAPES.has(code) ? 2 : 6;
      else size = code === 0x22 || code === 0x5c ? 2 : 1;
    } else if (code < 0x800) {
      size = 2;
    } else if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(i + 1))) {
      size = 4;
      units = 2;
    } else if (isHighSurrogate(code) || isLowSurrogate(code)) {
      size = 6; // a lone surrogate: JSON.stringify writes `\udxxx`
    } else {
      size = 3;
    }
    if (bytes + size > limit) return i;
    bytes += size;
    i += units - 1;
  }
  return text.length;
}

/** The fields of `…EventDetails` that carry execution data, with the member that says if it was cut. */
const DATA_FIELDS = [
  ["input", "inputDetails"],
  ["output", "outputDetails"],
] as const;

/** `details` with its input and output cut to the limit, marked `{ truncated: true }` where they were. */
export function withHistoryDataLimits(details: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let limited: Record<string, unknown> | undefined;
  for (const [field, detailsField] of DATA_FIELDS) {
    const value = details[field];
    if (typeof value !== "string") continue;
    const cut = truncatedHistoryData(value);
    if (!cut.truncated) continue;
    limited ??= { ...details };
    limited[field] = cut.text;
    limited[detailsField] = { truncated: true };
  }
  return limited ?? details;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
