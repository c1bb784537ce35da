import { describe, expect, it } from "vitest";
import { parseDownlinkRequestValue } from "../../../functions/core/downlink/validation.ts";
import { ttsDownlinkQueueRequest, ttsFailureFor, ttsQueuePath } from "../../../functions/tts/downlink-queue.ts";
import { fixture } from "../../support/fixtures.ts";

const THING = "0004A30B001C0530";
const base = { thingName: THING, bytes: "AQ==" };

describe("ttsDownlinkQueueRequest", () => {
  const queued = fixture("downlink-queue-request");
  const fixtureDownlink: Record<string, unknown> = queued.downlinks[0];
  const without = (key: string) => Object.fromEntries(Object.entries(fixtureDownlink).filter(([k]) => k !== key));

  it("builds the TTS fixture's downlink from bytes", () => {
    const request = parseDownlinkRequestValue({ thingName: THING, bytes: "vu8=", fPort: 15, confirmed: true });
    expect(ttsDownlinkQueueRequest(request, { correlationIds: ["custom-id"] })).toStrictEqual({
      downlinks: [without("decoded_payload")],
    });
  });

  it("builds the TTS fixture's downlink from a payload", () => {
    const request = parseDownlinkRequestValue({
      thingName: THING,
      payload: fixtureDownlink.decoded_payload,
      fPort: 15,
      confirmed: true,
    });
    expect(ttsDownlinkQueueRequest(request, { correlationIds: ["custom-id"] })).toStrictEqual({
      downlinks: [without("frm_payload")],
    });
  });

  it("omits confirmed when false, always sends the priority, appends the application's correlationId", () => {
    const request = parseDownlinkRequestValue({ ...base, highPriority: true, correlationId: "order-42" });
    expect(ttsDownlinkQueueRequest(request, { correlationIds: ["tts-aws-iot:downlink:exec-1"] })).toStrictEqual({
      downlinks: [
        {
          f_port: 1,
          frm_payload: "AQ==",
          priority: "HIGH",
          correlation_ids: ["tts-aws-iot:downlink:exec-1", "order-42"],
        },
      ],
    });
  });

  it("is plain JSON data", () => {
    const body = ttsDownlinkQueueRequest(parseDownlinkRequestValue({ thingName: THING, payload: { a: 1 } }), {
      correlationIds: [],
    });
    expect(JSON.parse(JSON.stringify(body))).toStrictEqual(body);
  });
});

describe("ttsQueuePath", () => {
  it("pushes or replaces", () => {
    expect(ttsQueuePath("app1", "dev1", false)).toBe("/api/v3/as/applications/app1/devices/dev1/down/push");
    expect(ttsQueuePath("app1", "dev1", true)).toBe("/api/v3/as/applications/app1/devices/dev1/down/replace");
  });

  it("encodes the path segments", () => {
    expect(ttsQueuePath("my app", "dev/1?x", false)).toBe(
      "/api/v3/as/applications/my%20app/devices/dev%2F1%3Fx/down/push",
    );
  });
});

describe("ttsFailureFor", () => {
  it.each([
    [401, undefined, "tts_unauthorized", 16, false],
    [403, undefined, "tts_unauthorized", 7, false],
    [404, undefined, "tts_device_not_found", 5, false],
    [400, undefined, "tts_rejected", 3, false],
    [400, 9, "tts_rejected", 9, false],
    [400, 3, "tts_rejected", 3, false],
    [400, 99, "tts_rejected", 3, false],
    [409, undefined, "tts_rejected", 6, false],
    [409, 10, "tts_rejected", 10, false],
    [413, undefined, "tts_rejected", 3, false],
    [501, undefined, "tts_rejected", 12, false],
    [408, undefined, "tts_unavailable", 14, true],
    [429, undefined, "tts_unavailable", 14, true],
    [500, 13, "tts_unavailable", 14, true],
    [502, undefined, "tts_unavailable", 14, true],
    [503, undefined, "tts_unavailable", 14, true],
    [504, undefined, "tts_unavailable", 14, true],
  ] as const)("HTTP %d (TTS code %s) → %s, code %d", (status, ttsCode, name, code, retryable) => {
    expect(ttsFailureFor(status, ttsCode)).toEqual({ name, code, retryable });
  });
});
