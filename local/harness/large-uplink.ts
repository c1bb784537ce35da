/**
 * A TTS uplink of a chosen size, as a device with a verbose decoder produces it: the fixture's uplink
 * with a `decoded_payload.samples` array long enough that the JSON text is exactly `bytes` long.
 * For the tests and the benchmark of large messages (state size, payload limits).
 */

/** @param base a TTS uplink (`uplink_message` present), left unchanged. */
export function uplinkOfSize(base: Record<string, unknown>, bytes: number): Buffer {
  const uplink = structuredClone(base) as { uplink_message: { decoded_payload?: Record<string, unknown> } };
  const decoded = { ...uplink.uplink_message.decoded_payload, samples: [] as number[], pad: "" };
  uplink.uplink_message.decoded_payload = decoded;
  const size = () => Buffer.byteLength(JSON.stringify(uplink));
  const missing = bytes - size();
  if (missing < 0) throw new Error(`an uplink of ${bytes} bytes is smaller than the base message (${size()} bytes)`);
  // n readings of 3 digits take 4n − 1 bytes (`123,…`): at most `missing`; padding makes up the rest.
  decoded.samples = Array.from({ length: Math.floor(missing / 4) }, (_, i) => 100 + (i % 900));
  decoded.pad = "x".repeat(bytes - size());
  return Buffer.from(JSON.stringify(uplink));
}
