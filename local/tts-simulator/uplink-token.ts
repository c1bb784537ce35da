/**
 * `rx_metadata[].uplink_token`: TTS's opaque token is a protobuf `UplinkToken` (gateway antenna ids +
 * concentrator timestamp) in base64. We encode the same fields, so tokens look and decode like real ones.
 */

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

const tag = (field: number, wireType: number): number[] => varint(field * 8 + wireType);

function lengthDelimited(field: number, content: readonly number[]): number[] {
  return [...tag(field, WIRE_LENGTH_DELIMITED), ...varint(content.length), ...content];
}

export function uplinkToken(gatewayId: string, gatewayEuiHex: string, concentratorTimestamp: number): string {
  const gatewayIds = [
    ...lengthDelimited(1, [...Buffer.from(gatewayId, "utf8")]),
    ...lengthDelimited(2, [...Buffer.from(gatewayEuiHex, "hex")]),
  ];
  const antennaIds = lengthDelimited(1, gatewayIds);
  const token = [...lengthDelimited(1, antennaIds), ...tag(2, WIRE_VARINT), ...varint(concentratorTimestamp)];
  return Buffer.from(token).toString("base64");
}
