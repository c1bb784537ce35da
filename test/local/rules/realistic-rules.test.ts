import { describe, expect, it } from "vitest";
import { compileRule } from "../../../local/rules/index.ts";
import { upstreamRules } from "../../../workflows/upstream-rules.ts";
import { jsonMessage, rawMessage } from "./messages.ts";

const NOW = 1_750_000_000_000;
const now = (): number => NOW;

describe("the project's rules", () => {
  const uplinkRule = compileRule(
    "SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId, timestamp() AS timestamp " +
      "FROM 'thethings/lorawan/my-stack/uplink'",
    { now },
  );

  it("wraps a TTS uplink, whatever its bytes, into an upstream event", () => {
    const uplink = { end_device_ids: { device_id: "dev-1" }, uplink_message: { f_port: 1 } };
    const message = jsonMessage("thethings/lorawan/my-stack/uplink", uplink, "tts-bridge");
    expect(uplinkRule.evaluate(message)).toEqual({
      payload: Buffer.from(JSON.stringify(uplink)).toString("base64"),
      topic: "thethings/lorawan/my-stack/uplink",
      clientId: "tts-bridge",
      timestamp: NOW,
    });
    const garbage = rawMessage("thethings/lorawan/my-stack/uplink", Uint8Array.from([0xde, 0xad]), "tts-bridge");
    expect(uplinkRule.evaluate(garbage)).toEqual({
      payload: "3q0=",
      topic: garbage.topic,
      clientId: "tts-bridge",
      timestamp: NOW,
    });
  });

  it("ignores other stacks and other topics", () => {
    expect(uplinkRule.evaluate(jsonMessage("thethings/lorawan/other-stack/uplink", {}))).toBeUndefined();
    expect(uplinkRule.evaluate(jsonMessage("thethings/lorawan/my-stack/join", {}))).toBeUndefined();
  });

  it.each<[string, boolean]>([
    ["queued", true],
    ["sent", true],
    ["ack", true],
    ["push", false],
    ["replace", false],
  ])("downlink/%s is forwarded: %s", (event, forwarded) => {
    const rule = compileRule(
      "SELECT topic(5) AS event, * FROM 'thethings/lorawan/my-stack/downlink/+' WHERE topic(5) <> 'push' AND topic(5) <> 'replace'",
    );
    const result = rule.evaluate(
      jsonMessage(`thethings/lorawan/my-stack/downlink/${event}`, { correlation_ids: ["c"] }),
    );
    expect(result).toEqual(forwarded ? { event, correlation_ids: ["c"] } : undefined);
  });

  it("passes application downlinks through with SELECT *", () => {
    const rule = compileRule("SELECT * FROM 'lorawan/downlink'");
    const downlink = { thingName: "dev-1", f_port: 2, frm_payload: "AQI=" };
    expect(rule.evaluate(jsonMessage("lorawan/downlink", downlink))).toEqual(downlink);
    expect(rule.run(rawMessage("lorawan/downlink", Uint8Array.from([1]))).status).toBe("unsupportedPayload");
  });

  it("compiles every upstream rule the stack deploys and routes each TTS topic to exactly one", () => {
    const rules = upstreamRules("my-stack").map((rule) => compileRule(rule.sql, { now }));
    const topics = rules.map((rule) => rule.topicFilter);
    for (const topic of topics) {
      const message = rawMessage(topic, Uint8Array.from([0x7b]), "tts");
      const emitted = rules.map((rule) => rule.evaluate(message)).filter((result) => result !== undefined);
      expect(emitted).toEqual([{ payload: "ew==", topic, clientId: "tts", timestamp: NOW }]);
    }
    expect(rules.some((rule) => rule.matches("thethings/lorawan/my-stack/downlink/push"))).toBe(false);
  });
});
