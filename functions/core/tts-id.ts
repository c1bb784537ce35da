/**
 * TTS identifiers (application, device, gateway ids) as TTS validates them: `api/identifiers.proto`
 * of lorawan-stack gives each `pattern: "^[a-z0-9](?:[-]?[a-z0-9]){2,}$"` and `max_len: 36`.
 */
import * as z from "./zod.ts";

export const TTS_ID_PATTERN = /^[a-z0-9](?:-?[a-z0-9]){2,}$/;
export const TTS_ID_MAX_LENGTH = 36;

export function isTtsId(value: string): boolean {
  return value.length <= TTS_ID_MAX_LENGTH && TTS_ID_PATTERN.test(value);
}

/**
 * A TTS id field. The length is checked first and alone, so a 5,000-character value costs no regex
 * run and its issue says which limit it broke (the messages never repeat the value).
 */
export function ttsIdSchema(what: string) {
  return z
    .string()
    .check(
      z.maxLength(TTS_ID_MAX_LENGTH, `is not a TTS ${what}: longer than ${TTS_ID_MAX_LENGTH} characters`),
      z.regex(TTS_ID_PATTERN, `is not a TTS ${what}: a-z, 0-9 and single inner dashes, at least 3 characters`),
    );
}
