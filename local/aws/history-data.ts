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

export function escapedBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

/** `text` as a history event carries it: whole, or cut to a prefix whose escaped form fits the limit. */
export function truncatedHistoryData(text: string): { readonly text: string; readonly truncated: boolean } {
  if (text.length * MAX_ESCAPE_GROWTH <= HISTORY_DATA_LIMIT_BYTES) return { text, truncated: false };
  let bytes = escapedBytes(text);
  if (bytes <= HISTORY_DATA_LIMIT_BYTES) return { text, truncated: false };
  // An escaped prefix is never shorter than the prefix, so start at the limit and shrink in proportion.
  let length = Math.min(text.length, HISTORY_DATA_LIMIT_BYTES);
  for (;;) {
    if (isHighSurrogate(text.charCodeAt(length - 1))) length -= 1;
    bytes = escapedBytes(text.slice(0, length));
    if (bytes <= HISTORY_DATA_LIMIT_BYTES) return { text: text.slice(0, length), truncated: true };
    length = Math.min(length - 1, Math.floor((length * HISTORY_DATA_LIMIT_BYTES) / bytes));
  }
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
