/** MQTT payloads as UTF-8 JSON: decoded strictly, with a readable reason when they are not. */

export type DecodedPayload =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: string };

export function decodeJsonPayload(payload: Uint8Array): DecodedPayload {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload)) };
  } catch (error) {
    // Printable ASCII only: the reason ends up in logs, execution data and MQTT messages.
    const preview = Buffer.from(payload.subarray(0, 40))
      .toString("utf8")
      .replace(/[^\x20-\x7e]/g, "?");
    return { ok: false, reason: `${(error as Error).message}; ${payload.length} bytes starting "${preview}"` };
  }
}
