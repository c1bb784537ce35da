import { describe, expect, it } from "vitest";
import { TTS_EVENTS } from "../../functions/core/tts-events.ts";
import { RULE_EVENT_FIELDS } from "../../functions/core/rule-event.ts";
import { WORKFLOWS, topicRules } from "../../workflows/catalogue.ts";

const rules = topicRules("prod-eu1");

describe("topic rules", () => {
  it("cover every TTS upstream topic once, and nothing else", () => {
    const topics = rules.map((rule) => /FROM '([^']+)'/.exec(rule.sql)?.[1]);
    expect(topics.sort()).toEqual(
      Object.values(TTS_EVENTS)
        .map((event) => `thethings/lorawan/prod-eu1/${event.ttsTopic}`)
        .sort(),
    );
  });

  it("never take TTS's own downlink push/replace topics", () => {
    for (const rule of rules) expect(rule.sql).not.toMatch(/push|replace|#|\+/);
  });

  it("have valid, unique IoT rule names", () => {
    for (const rule of rules) expect(rule.name).toMatch(/^[a-zA-Z0-9_]+$/);
    expect(new Set(rules.map((rule) => rule.name)).size).toBe(rules.length);
    expect(rules.map((rule) => rule.name)).toContain("tts_prod_eu1_downlink_queued");
  });

  it("use SQL 2016-03-23 and start a known workflow", () => {
    for (const rule of rules) {
      expect(rule.sqlVersion).toBe("2016-03-23");
      expect(Object.keys(WORKFLOWS)).toContain(rule.workflow);
    }
  });

  it("name executions after the event", () => {
    expect(rules.map((rule) => rule.executionNamePrefix).sort()).toEqual([
      "downlink-ack",
      "downlink-failed",
      "downlink-invalidated",
      "downlink-nack",
      "downlink-queued",
      "downlink-sent",
      "join",
      "location-solved",
      "service-data",
      "uplink",
    ]);
    for (const rule of rules) expect(rule.executionNamePrefix).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
  });

  it("hand the workflow the raw payload base64-encoded, so garbage reaches it", () => {
    for (const rule of rules) {
      expect(rule.sql).toMatch(new RegExp(`^SELECT encode\\(\\*, 'base64'\\) AS ${RULE_EVENT_FIELDS.payload}, topic\\(\\) AS topic, `));
    }
  });
});
