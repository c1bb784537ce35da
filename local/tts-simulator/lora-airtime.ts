/**
 * LoRa time on air (Semtech AN1200.13 / SX1276 datasheet §4.1.1.6), as TTS reports it in
 * `consumed_airtime`: for the whole PHY payload, explicit header, CRC on, 8 preamble symbols.
 */

export type LoraCodingRate = "4/5" | "4/6" | "4/7" | "4/8";

export interface LoraAirtimeInput {
  /** PHYPayload length in bytes (MHDR + MACPayload + MIC), not just the application payload. */
  readonly phyPayloadBytes: number;
  readonly spreadingFactor: number;
  readonly bandwidthHz: number;
  readonly codingRate: LoraCodingRate;
  readonly preambleSymbols?: number;
}

/** MHDR (1) + DevAddr (4) + FCtrl (1) + FCnt (2) + MIC (4). */
const LORAWAN_DATA_FRAME_OVERHEAD_BYTES = 12;

/** A LoRaWAN data uplink's PHYPayload length; FPort (1 byte) is present whenever there is a payload or a port. */
export function lorawanPhyPayloadBytes(
  frmPayloadBytes: number,
  options: { fOptsBytes?: number; hasFPort?: boolean } = {},
): number {
  const hasFPort = options.hasFPort ?? true;
  return LORAWAN_DATA_FRAME_OVERHEAD_BYTES + (options.fOptsBytes ?? 0) + (hasFPort ? 1 : 0) + frmPayloadBytes;
}

/** Airtime in whole nanoseconds. */
export function loraAirtimeNanos(input: LoraAirtimeInput): number {
  const { phyPayloadBytes, spreadingFactor: sf, bandwidthHz, codingRate } = input;
  if (!Number.isInteger(sf) || sf < 6 || sf > 12) throw new RangeError(`spreading factor must be 6–12, got ${sf}`);
  if (!Number.isInteger(phyPayloadBytes) || phyPayloadBytes < 0) {
    throw new RangeError(`payload length must be a non-negative integer, got ${phyPayloadBytes}`);
  }
  const cr = Number(codingRate.slice(2)) - 4;
  const symbolNanos = (2 ** sf * 1e9) / bandwidthHz;
  // Low data rate optimisation is mandatory once a symbol lasts longer than 16 ms (SF11/SF12 at 125 kHz).
  const lowDataRateOptimize = symbolNanos > 16e6 ? 1 : 0;
  const explicitHeader = 1;
  const crc = 1;
  const payloadSymbols =
    8 +
    Math.max(
      Math.ceil(
        (8 * phyPayloadBytes - 4 * sf + 28 + 16 * crc - 20 * (1 - explicitHeader)) /
          (4 * (sf - 2 * lowDataRateOptimize)),
      ) *
        (cr + 4),
      0,
    );
  const preambleSymbols = (input.preambleSymbols ?? 8) + 4.25;
  return Math.round((preambleSymbols + payloadSymbols) * symbolNanos);
}
