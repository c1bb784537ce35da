/**
 * The synthetic uplink `verify` publishes: a TTS v3 `ApplicationUp` of the shape TTS publishes to AWS IoT
 * (test/fixtures/tts/uplink.json: zero values omitted, uint64 as strings) for a test device of its own,
 * checked with the product's own parser, and the shadow report the product's own code makes of it.
 */
import { isDeepStrictEqual } from "node:util";
import { type ShadowReport, shadowReportFor } from "../../functions/core/shadow-report.ts";
import { thingNameFor } from "../../functions/core/thing-name.ts";
import { TTS_EVENTS, ttsTopicPrefix } from "../../functions/core/tts-events.ts";
import { isTtsId } from "../../functions/core/tts-id.ts";
import { type ApplicationUp, parseTtsMessage } from "../../functions/core/tts-message.ts";

/** Test devices are `verify-<time>-<random>`: recognisable, and never one TTS registered. */
export const TEST_DEVICE_PREFIX = "verify-";
export const TEST_APPLICATION_ID = "tts-aws-iot-verify";
/** What a verify uplink says it was heard by; no gateway of ours. */
export const TEST_GATEWAY_ID = "tts-aws-iot-verify";

export interface TestUplink {
  readonly deviceId: string;
  readonly thingName: string;
  readonly topic: string;
  readonly message: ApplicationUp;
  readonly payload: Uint8Array;
  /** The `lorawan` shadow's `state.reported` values the upstream workflow writes for this uplink. */
  readonly expectedShadow: ShadowReport;
}

/** `random` gives at least 4 + 4 + 16 bytes: device id, DevAddr, session key id. */
export function testUplink(stackName: string, now: Date, random: Uint8Array): TestUplink {
  if (random.length < 24) throw new RangeError("testUplink needs 24 random bytes");
  const hex = Buffer.from(random).toString("hex");
  const deviceId = `${TEST_DEVICE_PREFIX}${now.getTime().toString(36)}-${hex.slice(0, 8)}`;
  if (!isTtsId(deviceId)) throw new RangeError(`${deviceId} is not a TTS device id`);
  const receivedAt = now.toISOString();
  const { message } = parseTtsMessage({
    end_device_ids: {
      device_id: deviceId,
      application_ids: { application_id: TEST_APPLICATION_ID },
      // No DevEUI (as for an ABP device): the thing is `<stack>_<device id>` under either naming scheme.
      dev_addr: hex.slice(8, 16).toUpperCase(),
    },
    correlation_ids: [`tts-aws-iot:verify:${deviceId}`],
    received_at: receivedAt,
    uplink_message: {
      session_key_id: Buffer.from(random.subarray(8, 24)).toString("base64"),
      f_port: 1,
      f_cnt: 1,
      frm_payload: Buffer.from("verify").toString("base64"),
      decoded_payload: { verify: true },
      rx_metadata: [
        {
          gateway_ids: { gateway_id: TEST_GATEWAY_ID },
          time: receivedAt,
          rssi: -42,
          channel_rssi: -42,
          snr: 9.5,
        },
      ],
      settings: {
        data_rate: { lora: { bandwidth: 125_000, spreading_factor: 7 } },
        coding_rate: "4/5",
        frequency: "868100000",
        time: receivedAt,
      },
      consumed_airtime: "0.051456s",
      received_at: receivedAt,
    },
  });
  return {
    deviceId,
    thingName: thingNameFor(message.end_device_ids, "DeviceID", stackName),
    topic: `${ttsTopicPrefix(stackName)}/${TTS_EVENTS.uplink.ttsTopic}`,
    message,
    payload: new TextEncoder().encode(JSON.stringify(message)),
    expectedShadow: shadowReportFor("uplink", message, { fallbackTime: receivedAt }),
  };
}

/** `rssi: -40 (expected -42)` for each expected value the reported state does not hold. */
export function shadowMismatches(expected: ShadowReport, reported: unknown): string[] {
  const state = typeof reported === "object" && reported !== null ? (reported as Record<string, unknown>) : {};
  return Object.entries(expected)
    .filter(([key, value]) => !isDeepStrictEqual(state[key], value))
    .map(([key, value]) => `${key}: ${JSON.stringify(state[key]) ?? "missing"} (expected ${JSON.stringify(value)})`);
}
