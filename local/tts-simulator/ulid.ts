/**
 * ULIDs as TTS uses them: in correlation IDs (`as:up:01E0WZGT6Y7657CPFPE5WEYDSQ`) and, as raw
 * 16 bytes in base64, as `session_key_id`. 48 bits of milliseconds then 80 random bits.
 */
import type { SeededRandom } from "./seeded-random.ts";

const CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ULID_LENGTH = 26;

export function ulidBytes(epochMs: number, random: SeededRandom): Uint8Array {
  const bytes = new Uint8Array(16);
  let time = Math.floor(epochMs);
  for (let index = 5; index >= 0; index--) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes.set(random.bytes(10), 6);
  return bytes;
}

export function ulidText(bytes: Uint8Array): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let text = "";
  for (let index = 0; index < ULID_LENGTH; index++) {
    text = CROCKFORD_BASE32[Number(value & 31n)] + text;
    value >>= 5n;
  }
  return text;
}

export function ulid(epochMs: number, random: SeededRandom): string {
  return ulidText(ulidBytes(epochMs, random));
}
