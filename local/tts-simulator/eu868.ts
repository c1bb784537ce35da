/** The EU868 band as TTS's default EU frequency plan (`EU_863_870_TTN`) uses it for uplinks. */

export const EU868_BAND_ID = "EU_863_870";

/** The eight uplink channels; `channel_index` in `rx_metadata` is the position in this list. */
export const EU868_UPLINK_CHANNELS_HZ: readonly number[] = [
  868_100_000, 868_300_000, 868_500_000, 867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000,
];

export const LORA_BANDWIDTH_HZ = 125_000;

/** LoRaWAN fixes the coding rate of data uplinks at 4/5. */
export const LORAWAN_UPLINK_CODING_RATE = "4/5";
