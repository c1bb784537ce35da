import { describe, expect, it } from "vitest";
import { InvalidTtsMessageError } from "../../functions/core/errors.ts";
import { republishTopic, TTS_EVENT_KINDS, TTS_EVENTS } from "../../functions/core/tts-events.ts";
import { eventKindOf, parseTtsMessage, parseTtsPayload } from "../../functions/core/tts-message.ts";
import { EVENT_FIXTURES, fixture, fixtureBytes } from "../support/fixtures.ts";

describe("parseTtsPayload on the TTS fixtures", () => {
  it.each(Object.entries(EVENT_FIXTURES))("reads %s from %s.json", (kind, name) => {
    const parsed = parseTtsPayload(fixtureBytes(name));
    expect(parsed.kind).toBe(kind);
    expect(parsed.message.end_device_ids.device_id).toBe("dev1");
    expect(parsed.message.end_device_ids.application_ids.application_id).toBe("app1");
  });

  it("keeps every field, including those the schema does not know", () => {
    expect(parseTtsPayload(fixtureBytes("uplink")).message).toEqual(fixture("uplink"));
  });

  it("rejects the queue request body, which is not an event", () => {
    expect(() => parseTtsPayload(fixtureBytes("downlink-queue-request"))).toThrow(
      /not a known TTS event: none of the fields uplink_message, join_accept/,
    );
  });
});

describe("eventKindOf", () => {
  it.each(TTS_EVENT_KINDS)("tells %s by its field", (kind) => {
    expect(eventKindOf({ [TTS_EVENTS[kind].field]: {} })).toBe(kind);
  });

  it("refuses a message carrying two event fields", () => {
    expect(() => eventKindOf({ uplink_message: {}, join_accept: {} })).toThrow(
      "ambiguous TTS event: it carries several event fields (uplink_message, join_accept)",
    );
  });
});

describe("garbage in", () => {
  const withIds = (ids: unknown) => ({ ...fixture("uplink"), end_device_ids: ids });
  const uplink = fixture("uplink");
  const cases: [string, unknown, RegExp][] = [
    ["a string", "hello", /a TTS message is a JSON object, got a string/],
    ["null", null, /got null/],
    ["an array", [uplink], /got an array/],
    ["no end_device_ids", { uplink_message: {} }, /end_device_ids/],
    ["no device_id", withIds({ application_ids: { application_id: "app1" } }), /end_device_ids\.device_id/],
    [
      "an upper-case device_id",
      withIds({ ...uplink.end_device_ids, device_id: "Dev1" }),
      /device_id is not a TTS device ID/,
    ],
    [
      "a DevEUI of 15 digits",
      withIds({ ...uplink.end_device_ids, dev_eui: "0004A30B001C053" }),
      /dev_eui must be 16 hexadecimal digits/,
    ],
    ["a DevEUI with non-hex digits", withIds({ ...uplink.end_device_ids, dev_eui: "0004A30B001C053Z" }), /dev_eui/],
    ["no event field", { end_device_ids: uplink.end_device_ids }, /not a known TTS event/],
    [
      "rx_metadata that is not a list",
      { ...uplink, uplink_message: { ...uplink.uplink_message, rx_metadata: {} } },
      /uplink_message\.rx_metadata/,
    ],
    [
      "an rssi that is a string",
      {
        ...uplink,
        uplink_message: { ...uplink.uplink_message, rx_metadata: [{ gateway_ids: { gateway_id: "g" }, rssi: "-3" }] },
      },
      /rssi/,
    ],
  ];

  it.each(cases)("rejects %s with a clear InvalidTtsMessage", (_, value, expected) => {
    let thrown: unknown;
    try {
      parseTtsMessage(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidTtsMessageError);
    expect((thrown as Error).name).toBe("InvalidTtsMessage");
    expect((thrown as Error).message).toMatch(expected);
  });

  it.each([
    ["non-JSON text", Buffer.from("temperature=21.5")],
    ["truncated JSON", fixtureBytes("uplink").subarray(0, 100)],
    ["invalid UTF-8", Buffer.from([0xff, 0xfe, 0x7b, 0x7d])],
    ["empty", Buffer.alloc(0)],
  ])("rejects a payload of %s", (_, bytes) => {
    expect(() => parseTtsPayload(bytes)).toThrow(/payload is not UTF-8 JSON .*bytes starting/);
  });
});

describe("republishTopic", () => {
  it.each([
    ["uplink", "lorawan/T/uplink"],
    ["join", "lorawan/T/join"],
    ["downlinkQueued", "lorawan/T/downlink/queued"],
    ["downlinkSent", "lorawan/T/downlink/sent"],
    ["downlinkFailed", "lorawan/T/downlink/failed"],
    ["downlinkAck", "lorawan/T/downlink/ack"],
    ["downlinkNack", "lorawan/T/downlink/nack"],
    ["downlinkInvalidated", "lorawan/T/downlink/invalidated"],
    ["locationSolved", "lorawan/T/location"],
    ["serviceData", "lorawan/T/service/data"],
  ] as const)("maps %s to %s", (kind, topic) => {
    expect(republishTopic("T", kind)).toBe(topic);
  });
});
