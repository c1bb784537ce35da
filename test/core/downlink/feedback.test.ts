import { describe, expect, it } from "vitest";
import { ttsApplicationDownlink } from "../../../functions/core/downlink/application-downlink.ts";
import { DownlinkRequestError } from "../../../functions/core/downlink/errors.ts";
import {
  downlinkFailedMessage,
  failureFeedback,
  feedbackTopic,
  UNADDRESSED_FAILED_TOPIC,
} from "../../../functions/core/downlink/feedback.ts";
import { parseDownlinkRequest, parseDownlinkRequestValue } from "../../../functions/core/downlink/validation.ts";
import { parseTtsMessage } from "../../../functions/core/tts-message.ts";
import { fixture } from "../../support/fixtures.ts";

/** A refused request's feedback: the failure is the error (or its plain-data form), no request. */
const invalidRequestFeedback = (
  error: DownlinkRequestError | ReturnType<DownlinkRequestError["toJSON"]>,
  options: { correlationIds: string[]; receivedAt: string; errorCorrelationId?: string },
) => failureFeedback({ failure: error, request: null, ...options });

const THING = "0004A30B001C0530";
const RECEIVED_AT = "2026-03-01T12:00:00.123Z";

/** Every key path of a JSON value (array items share one path). */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${prefix}[]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    return [path, ...keyPaths(inner, path)];
  });
}
const sortedUnique = (paths: string[]) => [...new Set(paths)].sort();

function rejectionOf(request: unknown): DownlinkRequestError {
  try {
    parseDownlinkRequest(Buffer.from(typeof request === "string" ? request : JSON.stringify(request)));
  } catch (error) {
    if (error instanceof DownlinkRequestError) return error;
    throw error;
  }
  throw new Error("accepted");
}

describe("downlinkFailedMessage", () => {
  const failed = fixture("downlink-failed");

  it("reproduces TTS's downlink_failed fixture but for the namespace and name", () => {
    const message = downlinkFailedMessage({
      endDeviceIds: failed.end_device_ids,
      correlationIds: failed.correlation_ids,
      receivedAt: RECEIVED_AT,
      downlink: failed.downlink_failed.downlink,
      error: {
        name: "tts_rejected",
        messageFormat: "application downlink payload is too long",
        code: 3,
        correlationId: failed.downlink_failed.error.correlation_id,
      },
    });
    expect(message).toStrictEqual({
      ...failed,
      received_at: RECEIVED_AT,
      downlink_failed: {
        ...failed.downlink_failed,
        error: { ...failed.downlink_failed.error, namespace: "tts-aws-iot", name: "tts_rejected" },
      },
    });
  });

  it("has the fixture's keys, plus received_at and attributes", () => {
    const request = parseDownlinkRequestValue({ thingName: THING, bytes: "vu8=", fPort: 15, confirmed: true });
    const message = downlinkFailedMessage({
      endDeviceIds: failed.end_device_ids,
      correlationIds: ["tts-aws-iot:downlink:exec-1"],
      receivedAt: RECEIVED_AT,
      downlink: ttsApplicationDownlink(request, ["tts-aws-iot:downlink:exec-1"]),
      error: {
        name: "tts_unavailable",
        messageFormat: "TTS did not answer within 10 s, 3 times",
        attributes: { attempts: 3 },
        correlationId: "exec-1",
      },
    });
    expect(sortedUnique(keyPaths(message))).toEqual(
      sortedUnique([
        ...keyPaths(failed),
        "received_at",
        "downlink_failed.error.attributes",
        "downlink_failed.error.attributes.attempts",
      ]),
    );
    expect(message.downlink_failed.error.code).toBe(14);
  });

  it("is read back as a downlink_failed event by the upstream parser", () => {
    const message = downlinkFailedMessage({
      endDeviceIds: { device_id: "dev1", application_ids: { application_id: "app1" }, dev_eui: THING },
      correlationIds: ["c"],
      receivedAt: RECEIVED_AT,
      error: { name: "tts_device_not_found", messageFormat: "no device dev1 in application app1" },
    });
    expect(parseTtsMessage(JSON.parse(JSON.stringify(message))).kind).toBe("downlinkFailed");
  });

  it.each([
    ["thing_not_found", 5],
    ["tts_device_not_found", 5],
    ["tts_unauthorized", 16],
    ["tts_rejected", 3],
    ["tts_unavailable", 14],
    ["tts_api_key_missing", 9],
    ["internal_error", 13],
    ["invalid_f_port", 3],
  ] as const)("gives %s the gRPC code %d by default", (name, code) => {
    const message = downlinkFailedMessage({
      correlationIds: [],
      receivedAt: RECEIVED_AT,
      error: { name, messageFormat: "x" },
    });
    expect(message.downlink_failed.error.code).toBe(code);
  });

  it("takes an explicit code (TTS's own, or 7 for HTTP 403)", () => {
    const message = downlinkFailedMessage({
      correlationIds: [],
      receivedAt: RECEIVED_AT,
      error: { name: "tts_unauthorized", messageFormat: "the API key may not write downlinks", code: 7 },
    });
    expect(message.downlink_failed.error.code).toBe(7);
  });

  it("omits what it does not know: device, empty attributes, error correlation ID", () => {
    const message = downlinkFailedMessage({
      correlationIds: ["c"],
      receivedAt: RECEIVED_AT,
      error: { name: "invalid_json", messageFormat: "not JSON", attributes: {} },
    });
    expect(message).toStrictEqual({
      correlation_ids: ["c"],
      received_at: RECEIVED_AT,
      downlink_failed: {
        downlink: {},
        error: { namespace: "tts-aws-iot", name: "invalid_json", message_format: "not JSON", code: 3 },
      },
    });
  });

  it("does not share its inputs' arrays and objects", () => {
    const correlationIds = ["a"];
    const attributes = { field: "fPort" };
    const message = downlinkFailedMessage({
      correlationIds,
      receivedAt: RECEIVED_AT,
      error: { name: "invalid_f_port", messageFormat: "x", attributes },
    });
    correlationIds.push("b");
    attributes.field = "changed";
    expect(message.correlation_ids).toEqual(["a"]);
    expect(message.downlink_failed.error.attributes).toEqual({ field: "fPort" });
  });
});

describe("feedbackTopic", () => {
  it("addresses the thing", () => {
    expect(feedbackTopic(THING)).toBe(`lorawan/${THING}/downlink/failed`);
    expect(feedbackTopic("prod-eu1_dev-1")).toBe("lorawan/prod-eu1_dev-1/downlink/failed");
  });

  it.each([undefined, "", "a/b", "+", "#", "a b", "x".repeat(129)])("falls back for %j", (thingName) => {
    expect(feedbackTopic(thingName)).toBe("lorawan/downlink/failed");
    expect(UNADDRESSED_FAILED_TOPIC).toBe("lorawan/downlink/failed");
  });
});

describe("failureFeedback for a refused request", () => {
  it("sends a field error to the thing, with the application's correlationId", () => {
    const error = rejectionOf({ thingName: THING, bytes: "AQ", fPort: 10, correlationId: "order-42" });
    expect(
      invalidRequestFeedback(error, { correlationIds: ["tts-aws-iot:downlink:exec-1"], receivedAt: RECEIVED_AT }),
    ).toStrictEqual({
      topic: `lorawan/${THING}/downlink/failed`,
      message: {
        correlation_ids: ["tts-aws-iot:downlink:exec-1", "order-42"],
        received_at: RECEIVED_AT,
        downlink_failed: {
          downlink: {
            f_port: 10,
            priority: "NORMAL",
            correlation_ids: ["tts-aws-iot:downlink:exec-1", "order-42"],
          },
          error: {
            namespace: "tts-aws-iot",
            name: "invalid_bytes",
            message_format: error.message,
            attributes: { field: "bytes" },
            code: 3,
          },
        },
      },
    });
  });

  it("gives the same result from the error's plain-data form", () => {
    const error = rejectionOf({ thingName: THING, bytes: "AQ==", fport: 2, correlationId: "c1" });
    const options = { correlationIds: ["x"], receivedAt: RECEIVED_AT, errorCorrelationId: "exec-1" };
    expect(invalidRequestFeedback(JSON.parse(JSON.stringify(error)), options)).toStrictEqual(
      invalidRequestFeedback(error, options),
    );
    expect(invalidRequestFeedback(error, options).message.downlink_failed.error).toMatchObject({
      name: "unknown_field",
      correlation_id: "exec-1",
      attributes: { field: "fport", suggestion: "fPort", unknown_fields: ["fport"] },
    });
  });

  it("sends what names no valid thing to lorawan/downlink/failed", () => {
    for (const request of [
      "not json",
      "[]",
      JSON.stringify({ thingName: "a/b", bytes: "AQ==" }),
      JSON.stringify({ bytes: "AQ==" }),
    ]) {
      const feedback = invalidRequestFeedback(rejectionOf(request), { correlationIds: ["x"], receivedAt: RECEIVED_AT });
      expect(feedback.topic, request).toBe("lorawan/downlink/failed");
      expect(feedback.message.end_device_ids, request).toBeUndefined();
    }
  });
});
