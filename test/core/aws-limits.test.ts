/**
 * AWS IoT Core's message broker limits (AWS IoT Core endpoints and quotas, "Message broker and
 * protocol limits and quotas"): payload 128 KB, topic at most 256 bytes of UTF-8 and 7 forward
 * slashes, no wildcard in a publish topic.
 */
import { describe, expect, it } from "vitest";
import { IOT_MESSAGE_LIMITS, payloadProblem, publishTopicProblem } from "../../functions/core/aws-limits.ts";

describe("publish topics", () => {
  it.each([
    ["lorawan/0004A30B001C0530/uplink"],
    ["a/b/c/d/e/f/g/h"],
    [`x/${"é".repeat(127)}`], // 2 + 254 bytes
  ])("takes %s", (topic) => {
    expect(publishTopicProblem(topic)).toBeUndefined();
  });

  it.each([
    ["", /empty/],
    ["lorawan/+/uplink", /wildcards/],
    ["lorawan/#", /wildcards/],
    ["lorawan/a\u0000b", /NUL/],
    [`x/${"é".repeat(128)}`, /258 bytes; the limit is 256/],
    ["a/b/c/d/e/f/g/h/i", /8 slashes; the limit is 7/],
  ])("refuses %j", (topic, reason) => {
    expect(publishTopicProblem(topic)).toMatch(reason);
  });
});

describe("payloads", () => {
  it("take 128 KB and refuse a byte more", () => {
    expect(IOT_MESSAGE_LIMITS.maxPayloadBytes).toBe(131_072);
    expect(payloadProblem(131_072)).toBeUndefined();
    expect(payloadProblem(131_073)).toBe("the payload is 131073 bytes; the limit is 131072");
  });
});
