/**
 * The broker refuses what AWS IoT Core refuses from an MQTT client — a payload over 128 KB, a topic
 * over 256 bytes or 7 slashes — by closing that client's connection (AWS IoT Core endpoints and
 * quotas, "Message broker and protocol limits and quotas"), and keeps serving everyone else.
 */
import { describe, expect, it } from "vitest";
import { connect, recorder } from "../../local/harness/mqtt-client.ts";
import { useTestRuntime } from "../support/local-runtime.ts";

const ctx = useTestRuntime();

async function closedAfterPublishing(topic: string, payload: Buffer): Promise<boolean> {
  const client = await connect(ctx.runtime.urls.mqtt, `offender-${Math.random()}`);
  client.options.reconnectPeriod = 0;
  const closed = new Promise<boolean>((resolve) => client.once("close", () => resolve(true)));
  client.publish(topic, payload, { qos: 1 });
  const result = await Promise.race([
    closed,
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000)),
  ]);
  client.end(true);
  return result;
}

describe("the broker's limits", () => {
  it.each([
    ["a payload of 128 KB + 1 byte", "lorawan/big", Buffer.alloc(131_073, 0x61)],
    ["a topic of 257 bytes", `lorawan/${"a".repeat(249)}`, Buffer.from("{}")],
    ["a topic of 8 slashes", "a/b/c/d/e/f/g/h/i", Buffer.from("{}")],
  ])("closes the connection of a client that publishes %s, and delivers nothing", async (_, topic, payload) => {
    const watcher = await connect(ctx.runtime.urls.mqtt, `watcher-${Math.random()}`);
    const seen = await recorder(watcher, "#");
    expect(await closedAfterPublishing(topic, payload)).toBe(true);
    // Still serving: a well-formed message goes through, and only it.
    const client = await connect(ctx.runtime.urls.mqtt, `well-behaved-${Math.random()}`);
    await client.publishAsync("lorawan/ok", Buffer.alloc(131_072, 0x62), { qos: 1 });
    await seen.waitFor(1);
    expect(seen.messages.map((message) => message.topic)).toEqual(["lorawan/ok"]);
    await Promise.all([client.endAsync(), watcher.endAsync()]);
  });
});
