/**
 * Size limits TTS applies to application downlinks. The queue API checks only the absolute ones;
 * the data-rate limit is checked by the Network Server when it schedules the downlink, which is
 * why a too-long payload is accepted by `push` and fails later with `downlink_failed`.
 */

/**
 * Downlinks a device's queue holds: TTS's Network Server default (`ns.downlink-queue-capacity`, 10,000
 * per session; lorawan-stack pkg/networkserver/config.go). A push or replace that would leave more
 * queued is refused whole with `downlink_queue_capacity` (pkg/networkserver/grpc_asns.go).
 */
export const DOWNLINK_QUEUE_CAPACITY = 10_000;

/** FPort 0 carries MAC commands and 224 is the LoRaWAN test port; applications get 1–223. */
export const MIN_APPLICATION_F_PORT = 1;
export const MAX_APPLICATION_F_PORT = 223;

/** The API's absolute bound on `frm_payload` (bytes after base64 decoding), whatever the data rate. */
export const MAX_FRM_PAYLOAD_BYTES = 255;

/**
 * EU868 maximum FRMPayload per spreading factor (125 kHz), without FOpts: TTS's band definition
 * takes the repeater-compatible MACPayload limits (59 / 123 / 230 bytes) minus FHDR (7) and FPort (1).
 * A class-A downlink in RX1 uses the uplink's data rate (RX1DROffset 0), so the uplink's SF decides.
 */
export const EU868_MAX_FRM_PAYLOAD_BY_SF: Readonly<Record<number, number>> = {
  12: 51,
  11: 51,
  10: 51,
  9: 115,
  8: 222,
  7: 222,
};

export function maxFrmPayloadBytes(spreadingFactor: number): number {
  const max = EU868_MAX_FRM_PAYLOAD_BY_SF[spreadingFactor];
  if (max === undefined) throw new RangeError(`no EU868 payload limit for SF${spreadingFactor} (SF7–SF12 only)`);
  return max;
}
