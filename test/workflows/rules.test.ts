import { describe, expect, it } from "vitest";
import { RULE_EVENT_FIELDS } from "../../functions/core/rule-event.ts";
import { TTS_EVENTS } from "../../functions/core/tts-events.ts";
import { topicRules, WORKFLOWS } from "../../workflows/catalogue.ts";
import { downlinkRules } from "../../workflows/downlink-rules.ts";
import { upstreamRules } from "../../workflows/upstream-rules.ts";

const rules = topicRules("prod-eu1");
const upstream = upstreamRules("prod-eu1");

describe("the downlink rule", () => {
  it("takes application requests on lorawan/downlink, raw, into the downlink workflow", () => {
    expect(downlinkRules("prod-eu1")).toEqual([
      {
        name: "app_prod_eu1_downlink",
        description: expect.any(String),
        sql: "SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId, timestamp() AS timestamp FROM 'lorawan/downlink'",
        sqlVersion: "2016-03-23",
        workflow: "downlink",
        executionNamePrefix: "downlink-request",
      },
    ]);
  });
});

describe("topic rules", () => {
  it("are the upstream rules and the downlink rule", () => {
    expect(rules.map((rule) => rule.workflow).sort()).toEqual([...Array(10).fill("upstream"), "downlink"].sort());
  });

  it("cover every TTS upstream topic once, and nothing else", () => {
    const topics = upstream.map((rule) => /FROM '([^']+)'/.exec(rule.sql)?.[1]);
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
    expect(upstream.map((rule) => rule.executionNamePrefix).sort()).toEqual([
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
      expect(rule.sql).toMatch(
        new RegExp(`^SELECT encode\\(\\*, 'base64'\\) AS ${RULE_EVENT_FIELDS.payload}, topic\\(\\) AS topic, `),
      );
    }
  });
});
