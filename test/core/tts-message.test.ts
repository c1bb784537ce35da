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

describe("names and sizes TTS would never send", () => {
  const uplink = fixture("uplink");
  const withIds = (ids: Record<string, unknown>) => ({
    ...uplink,
    end_device_ids: { ...uplink.end_device_ids, ...ids },
  });
  const refusal = (run: () => unknown): Error => {
    try {
      run();
    } catch (error) {
      expect((error as Error).name).toBe("InvalidTtsMessage");
      return error as Error;
    }
    throw new Error("expected InvalidTtsMessage");
  };

  it.each([
    [
      "a 5,000-character device_id",
      { device_id: "d".repeat(5000) },
      "end_device_ids.device_id is not a TTS device ID: longer than 36",
    ],
    [
      "a device_id of 37 characters",
      { device_id: "d".repeat(37) },
      "end_device_ids.device_id is not a TTS device ID: longer than 36",
    ],
    [
      "an application_id with a space",
      { application_ids: { application_id: "my app" } },
      "end_device_ids.application_ids.application_id is not a TTS application ID",
    ],
    [
      "a 5,000-character application_id",
      { application_ids: { application_id: "a".repeat(5000) } },
      "application_id is not a TTS application ID: longer than 36",
    ],
  ])("refuses %s naming the field, without repeating the value", (_, ids, expected) => {
    const error = refusal(() => parseTtsMessage(withIds(ids)));
    expect(error.message).toContain(expected);
    expect(error.message).not.toMatch(/([a-z])\1{40}/);
  });

  it("cuts a 5,000-character key in the field path of a problem", () => {
    const key = "k".repeat(5000);
    const message = {
      ...uplink,
      uplink_message: { ...uplink.uplink_message, locations: { [key]: { latitude: "north" } } },
    };
    const error = refusal(() => parseTtsMessage(message));
    expect(error.message).toContain(`uplink_message.locations.${"k".repeat(40)}… (5000 characters).latitude`);
    expect(error.message.length).toBeLessThan(400);
  });

  it("lists at most five problems and counts the rest", () => {
    const rx = Array.from({ length: 20 }, () => ({ gateway_ids: { gateway_id: "gw-1" }, rssi: "loud" }));
    const error = refusal(() =>
      parseTtsMessage({ ...uplink, uplink_message: { ...uplink.uplink_message, rx_metadata: rx } }),
    );
    expect(error.message).toContain("and 15 more");
  });

  // AWS IoT Core endpoints and quotas, "Message broker and protocol limits and quotas": 128 KB per message.
  it("refuses a message over AWS IoT's 128 KB, naming the limit, and reads one of exactly 128 KB", () => {
    const padded = (bytes: number) => {
      const base = JSON.stringify({ ...uplink, padding: "" });
      return Buffer.from(JSON.stringify({ ...uplink, padding: "p".repeat(bytes - base.length) }));
    };
    expect(parseTtsPayload(padded(131_072)).kind).toBe("uplink");
    expect(refusal(() => parseTtsPayload(padded(131_073))).message).toBe(
      "the message is 131073 bytes; AWS IoT's message size limit is 131072 bytes",
    );
    expect(refusal(() => parseTtsPayload(Buffer.alloc(1_100_000, 0x20))).message).toContain("1100000 bytes");
  });

  // 60,000 levels: about as deep as 128 KB can nest.
  it.each([4_000, 60_000])("refuses a decoded payload nested %i deep: InvalidTtsMessage, not a RangeError", (depth) => {
    const deep = `${"[".repeat(depth)}${"]".repeat(depth)}`;
    const text = JSON.stringify({
      ...uplink,
      uplink_message: { ...uplink.uplink_message, decoded_payload: { x: 0 } },
    });
    const payload = Buffer.from(text.replace('{"x":0}', `{"x":${deep}}`));
    expect(refusal(() => parseTtsPayload(payload)).message).toContain("nested deeper than 64 levels");
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
