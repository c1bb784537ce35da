/**
 * MQTT over WebSocket at the path IoT Core serves it on: AWS IoT Core Developer Guide, "Device
 * communication protocols" ("MQTT over the WebSocket protocol": `wss://<iot-endpoint>/mqtt`); locally
 * without TLS or SigV4, as every local endpoint.
 */
import { describe, expect, it } from "vitest";
import { connect, recorder } from "../../local/harness/mqtt-client.ts";
import { fixtureBytes } from "../support/fixtures.ts";
import { useTestRuntime } from "../support/local-runtime.ts";

const ctx = useTestRuntime();

describe("MQTT over WebSocket", () => {
  it("serves TTS and applications on ws://…/mqtt like IoT Core", async () => {
    expect(ctx.runtime.urls.mqttWs).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    const tts = await connect(ctx.runtime.urls.mqttWs, "thethings-e2e");
    const app = await connect(ctx.runtime.urls.mqttWs, "browser-app");
    const received = await recorder(app, "lorawan/#");
    await tts.publishAsync("thethings/lorawan/e2e/uplink", fixtureBytes("uplink"), { qos: 1 });
    const [message] = await received.waitFor(1);
    expect(message!.topic).toBe("lorawan/0004A30B001C0530/uplink");
    expect(message!.payload.equals(fixtureBytes("uplink"))).toBe(true);
    await Promise.all([tts.endAsync(), app.endAsync()]);
  });
});
