/**
 * Identifiers of simulated devices: TTS device IDs, EUIs and DevAddrs. EUIs start with a locally
 * administered (0x02…) prefix so they can never clash with a real vendor's OUI.
 */
import { deriveSeed, type SeededRandom } from "./seeded-random.ts";
import { ulidBytes } from "./ulid.ts";

/** 02 'S' 'I' 'M': locally administered, unicast. */
export const SIMULATOR_EUI_PREFIX = "0253494D";
/** The device index fills the last 16 bits of the DevEUI. */
export const MAX_SIMULATED_DEVICES = 0x10000;
/** The Things Network's NetID 0x000013 (type 0): DevAddrs start with the 7-bit NwkID prefix 0x13. */
export const TTN_NET_ID = "000013";
const TTN_DEV_ADDR_PREFIX = 0x13;

export function hex(value: number, digits: number): string {
  return value.toString(16).toUpperCase().padStart(digits, "0").slice(-digits);
}

export function simulatedDeviceId(index: number): string {
  return `sim-sensor-${String(index + 1).padStart(3, "0")}`;
}

/** Seed-dependent but unique within one fleet: 16 bits from the seed, 16 bits of device index. */
export function simulatedDevEui(seed: number, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_SIMULATED_DEVICES) {
    throw new RangeError(`device index must be 0–${MAX_SIMULATED_DEVICES - 1}, got ${index}`);
  }
  return `${SIMULATOR_EUI_PREFIX}${hex(deriveSeed(seed, "dev-eui") & 0xffff, 4)}${hex(index, 4)}`;
}

export function simulatedJoinEui(seed: number): string {
  return `${SIMULATOR_EUI_PREFIX}0000${hex(deriveSeed(seed, "join-eui") & 0xffff, 4)}`;
}

/** A fresh DevAddr for a new session: the network's prefix then 25 random bits. */
export function randomDevAddr(random: SeededRandom): string {
  const nwkAddr = random.int(0, 2 ** 25 - 1);
  return hex(TTN_DEV_ADDR_PREFIX * 2 ** 25 + nwkAddr, 8);
}

/** TTS session key IDs are ULIDs in binary, base64-encoded (`AXA50tHUGUucuzS/bCGMNw==`). */
export function newSessionKeyId(epochMs: number, random: SeededRandom): string {
  return Buffer.from(ulidBytes(epochMs, random)).toString("base64");
}
