/**
 * What `verify` publishes and how it judges and prints the outcome: the synthetic uplink is a TTS
 * `ApplicationUp` with TTS's own field names, for a TTS-valid test device id of its own, on the topic the
 * stack's uplink rule listens to; the expected shadow is what the product's update-shadow writes.
 */
import { describe, expect, it } from "vitest";
import { shadowReportFor } from "../../functions/core/shadow-report.ts";
import { thingNameFor } from "../../functions/core/thing-name.ts";
import { isTtsId } from "../../functions/core/tts-id.ts";
import { parseTtsPayload } from "../../functions/core/tts-message.ts";
import { type StageResult, skipped, stageLines, summaryLine } from "../../operate/verify/stages.ts";
import { shadowMismatches, testUplink } from "../../operate/verify/test-uplink.ts";
import { topicRules } from "../../workflows/catalogue.ts";
import { fixture } from "../support/fixtures.ts";

const NOW = new Date(Date.UTC(2026, 10, 30, 5, 0, 0));
const RANDOM = Uint8Array.from({ length: 24 }, (_, index) => index * 11);

/** `a.b`, `a.list[].c`: every leaf's path, arrays collapsed. */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${prefix}[]`));
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, member]) => keyPaths(member, prefix === "" ? key : `${prefix}.${key}`));
}

describe("testUplink", () => {
  const uplink = testUplink("prod-eu1", NOW, RANDOM);

  it("is a valid TTS uplink for a test device whose id TTS accepts", () => {
    expect(uplink.deviceId).toMatch(/^verify-[a-z0-9]+-[0-9a-f]{8}$/);
    expect(isTtsId(uplink.deviceId)).toBe(true);
    const parsed = parseTtsPayload(uplink.payload);
    expect(parsed.kind).toBe("uplink");
    expect(parsed.message.end_device_ids.device_id).toBe(uplink.deviceId);
  });

  it("uses only TTS's field names (those of the TTS uplink fixture, and f_port, which that sample omits)", () => {
    const known = new Set([...keyPaths(fixture("uplink")), "uplink_message.f_port"]);
    const unknown = keyPaths(uplink.message).filter(
      (path) => !known.has(path) && !path.startsWith("uplink_message.decoded_payload."),
    );
    expect(unknown).toEqual([]);
  });

  it("is published where the stack's uplink rule listens, and names its thing the same under both schemes", () => {
    const rule = topicRules("prod-eu1").find((candidate) => candidate.executionNamePrefix === "uplink")!;
    expect(rule.sql).toContain(`FROM '${uplink.topic}'`);
    const ids = uplink.message.end_device_ids;
    expect(uplink.thingName).toBe(`prod-eu1_${uplink.deviceId}`);
    expect(thingNameFor(ids, "DevEUI", "prod-eu1")).toBe(uplink.thingName);
  });

  it("expects the shadow report update-shadow makes of it", () => {
    expect(uplink.expectedShadow).toEqual(
      shadowReportFor("uplink", uplink.message, { fallbackTime: "1970-01-01T00:00:00Z" }),
    );
    expect(uplink.expectedShadow).toMatchObject({
      lastSeen: NOW.toISOString(),
      fCntUp: 1,
      gateways: 1,
      gatewayIds: ["tts-aws-iot-verify"],
      rssi: -42,
      dataRate: "SF7BW125",
    });
  });

  it("gives every run its own device", () => {
    const other = testUplink(
      "prod-eu1",
      NOW,
      RANDOM.map((byte) => byte ^ 0xff),
    );
    expect(other.deviceId).not.toBe(uplink.deviceId);
    expect(() => testUplink("prod-eu1", NOW, new Uint8Array(8))).toThrow(RangeError);
  });
});

describe("shadowMismatches", () => {
  const expected = { fCntUp: 1, rssi: -42, gatewayIds: ["g1"] };

  it("accepts a reported state that holds every expected value, whatever else it holds", () => {
    expect(shadowMismatches(expected, { fCntUp: 1, rssi: -42, gatewayIds: ["g1"], payload: { t: 1 } })).toEqual([]);
  });

  it("names each value that differs or is missing", () => {
    expect(shadowMismatches(expected, { fCntUp: 2, gatewayIds: ["g1"] })).toEqual([
      "fCntUp: 2 (expected 1)",
      "rssi: missing (expected -42)",
    ]);
    expect(shadowMismatches(expected, undefined)).toHaveLength(3);
  });
});

describe("stage lines", () => {
  const plain = (_: StageResult["status"], text: string) => text;
  const passedStage = (stage: StageResult["stage"], durationMs: number, detail: string): StageResult => ({
    stage,
    status: "passed",
    durationMs,
    detail,
  });

  it("print one line per stage with its time, a hint under a failure, and which stage failed", () => {
    const results: StageResult[] = [
      passedStage("publish", 40, "published"),
      { stage: "execution", status: "failed", durationMs: 3000, detail: "none logged", hint: "check the rule" },
      skipped("thing", "skipped: an earlier stage failed"),
      skipped("shadow", "skipped: an earlier stage failed"),
      passedStage("cleanup", 12, "nothing to delete"),
    ];
    expect(stageLines(results, plain)).toEqual([
      "✓ publish    40ms    published",
      "✗ execution  3.0s    none logged",
      "    hint: check the rule",
      "- thing              skipped: an earlier stage failed",
      "- shadow             skipped: an earlier stage failed",
      "✓ cleanup    12ms    nothing to delete",
    ]);
    expect(summaryLine(results, 3100)).toBe("stage execution failed (cleanup ran)");
  });

  it("say when everything passed, when the thing was kept, and when cleanup failed too", () => {
    const all = ["publish", "execution", "thing", "shadow"].map((stage) =>
      passedStage(stage as StageResult["stage"], 1, "ok"),
    );
    expect(summaryLine([...all, passedStage("cleanup", 1, "deleted")], 1500)).toBe("all stages passed in 1.5s");
    expect(summaryLine([...all, skipped("cleanup", "kept")], 1500)).toBe("all stages passed in 1.5s (test thing kept)");
    const cleanupFailed: StageResult = { stage: "cleanup", status: "failed", durationMs: 1, detail: "denied" };
    expect(summaryLine([...all, cleanupFailed], 1500)).toBe("stage cleanup failed");
    const shadowFailed: StageResult = { stage: "shadow", status: "failed", durationMs: 1, detail: "differs" };
    expect(summaryLine([...all.slice(0, 3), shadowFailed, cleanupFailed], 1500)).toBe(
      "stage shadow failed (and cleanup failed)",
    );
  });
});
