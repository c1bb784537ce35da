/** MQTT payloads as UTF-8 JSON: decoded strictly, bounded in nesting, with a readable reason when refused. */

export type DecodedPayload =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: string };

/**
 * Deeper JSON is refused before it is parsed: recursive code further on (zod, JSON.stringify, the
 * workflow runner, the shadow report) would otherwise end in `RangeError: Maximum call stack size
 * exceeded`. TTS messages nest about 6 levels; a payload decoder's output a few more.
 */
export const MAX_JSON_DEPTH = 64;

/** How many characters of a refused value an error message may repeat. */
export const MAX_ECHOED_CHARACTERS = 40;

/** One for every call: `decode` without `stream` keeps no state between calls, a failed one included. */
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

export function decodeJsonPayload(payload: Uint8Array, maxDepth = MAX_JSON_DEPTH): DecodedPayload {
  let text: string;
  try {
    text = STRICT_UTF8.decode(payload);
  } catch (error) {
    return { ok: false, reason: `${(error as Error).message}; ${describeBytes(payload)}` };
  }
  if (nestsDeeperThan(text, maxDepth))
    return { ok: false, reason: `nested deeper than ${maxDepth} levels; ${describeBytes(payload)}` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: `${(error as Error).message}; ${describeBytes(payload)}` };
  }
}

/**
 * Whether JSON text nests deeper than `maxDepth` arrays and objects. Hand-written because
 * `JSON.parse` takes no depth limit and no well-kept library bounds it. Text with few brackets is
 * answered by counting them; otherwise one pass over the text counts brackets outside strings
 * (string escapes skipped), no recursion. Not a validator: the text may still fail `JSON.parse`.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  if (bracketsAtMost(text, maxDepth)) return false;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      depth++;
      if (depth > maxDepth) return true;
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) depth--;
  }
  return false;
}

/** A value fit for an error message: at most MAX_ECHOED_CHARACTERS, printable ASCII, its length told when cut. */
export function echoed(value: string, max = MAX_ECHOED_CHARACTERS): string {
  const printable = value.replace(/[^\x20-\x7e]/g, "?");
  return printable.length <= max ? printable : `${printable.slice(0, max)}… (${value.length} characters)`;
}

// Printable ASCII only (`echoed`): the reason ends up in logs, execution data and MQTT messages.
function describeBytes(payload: Uint8Array): string {
  return `${payload.length} bytes starting "${echoed(Buffer.from(payload.subarray(0, MAX_ECHOED_CHARACTERS)).toString("utf8"))}"`;
}

/**
 * Whether the text holds at most `limit` `{` and `[` (inside strings too): then it cannot nest deeper
 * than `limit`. Found with `indexOf`, much faster than the character walk, which most messages (a TTS
 * uplink has about 15) then never need.
 */
function bracketsAtMost(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ["{", "["]) {
    for (let index = text.indexOf(bracket); index !== -1; index = text.indexOf(bracket, index + 1)) {
      if (++count > limit) return false;
    }
  }
  return true;
}
