/**
 * TTS's `MACVersion` and `PHYVersion` enums (lorawan-stack `api/ttn/lorawan/v3/lorawan.proto`) as its
 * JSON reads them — the name, an alias (`"1.0.3"`, `"1.0.2-b"`) or the number — and writes them: the
 * value's first name. Zero (`*_UNKNOWN`) reads but is no version.
 */

const MAC_VERSIONS: readonly (readonly [number, string, ...string[]])[] = [
  [1, "MAC_V1_0", "1.0", "1.0.0"],
  [2, "MAC_V1_0_1", "1.0.1"],
  [3, "MAC_V1_0_2", "1.0.2"],
  [4, "MAC_V1_1", "1.1", "1.1.0"],
  [5, "MAC_V1_0_3", "1.0.3"],
  [6, "MAC_V1_0_4", "1.0.4"],
];

const PHY_VERSIONS: readonly (readonly [number, string, ...string[]])[] = [
  [1, "PHY_V1_0", "TS001_V1_0", "1.0", "1.0.0", "V1_0"],
  [2, "PHY_V1_0_1", "TS001_V1_0_1", "1.0.1", "V1_0_1"],
  [3, "PHY_V1_0_2_REV_A", "RP001_V1_0_2", "1.0.2", "1.0.2-a", "V1_0_2", "V1_0_2_REV_A"],
  [4, "PHY_V1_0_2_REV_B", "RP001_V1_0_2_REV_B", "1.0.2-b", "V1_0_2_REV_B"],
  [5, "PHY_V1_1_REV_A", "RP001_V1_1_REV_A", "1.1-a", "1.1.0-a", "V1_1_REV_A"],
  [6, "PHY_V1_1_REV_B", "RP001_V1_1_REV_B", "1.1-b", "1.1.0-b", "V1_1_REV_B"],
  [7, "PHY_V1_0_3_REV_A", "RP001_V1_0_3_REV_A", "1.0.3-a", "V1_0_3_REV_A"],
  [8, "RP002_V1_0_0"],
  [9, "RP002_V1_0_1"],
  [10, "RP002_V1_0_2"],
  [11, "RP002_V1_0_3"],
  [12, "RP002_V1_0_4"],
];

function reader(values: readonly (readonly [number, string, ...string[]])[]) {
  return (value: unknown): string | undefined =>
    values.find(([number, ...names]) => value === number || (typeof value === "string" && names.includes(value)))?.[1];
}

/** `MAC_V1_0_3` for `"1.0.3"`, `"MAC_V1_0_3"` or `5`; undefined for anything else. */
export const macVersion = reader(MAC_VERSIONS);
/** `PHY_V1_0_2_REV_B` for `"1.0.2-b"`, `"RP001_V1_0_2_REV_B"` or `4`; undefined for anything else. */
export const phyVersion = reader(PHY_VERSIONS);
/** LoRaWAN 1.1 devices have a separate network root key. */
export const isLorawan11 = (mac: string): boolean => mac === "MAC_V1_1";
