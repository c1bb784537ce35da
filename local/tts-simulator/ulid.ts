/**
 * ULIDs as TTS uses them: in correlation IDs (`as:up:01E0WZGT6Y7657CPFPE5WEYDSQ`) and, as raw
 * 16 bytes in base64, as `session_key_id`. The random part comes from the simulator's seeded generator.
 */
import { ulidToUUID, ulid as ulidx } from "ulidx";
import type { SeededRandom } from "./seeded-random.ts";

export function ulid(epochMs: number, random: SeededRandom): string {
  return ulidx(epochMs, () => random.next());
}

export function ulidBytes(epochMs: number, random: SeededRandom): Uint8Array {
  return Buffer.from(ulidToUUID(ulid(epochMs, random)).replaceAll("-", ""), "hex");
}
