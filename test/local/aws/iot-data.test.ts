import {
  ConflictException,
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  InvalidRequestException,
  ListNamedShadowsForThingCommand,
  PublishCommand,
  RequestEntityTooLargeException,
  ResourceNotFoundException,
  UpdateThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
import { describe, expect, it } from "vitest";
import { jsonPayload, useEndpointFixture } from "./endpoint-fixture.ts";

const ctx = useEndpointFixture();

async function updateShadow(thingName: string, shadowName: string | undefined, body: unknown) {
  const response = await ctx.f.iotData.send(
    new UpdateThingShadowCommand({
      thingName,
      ...(shadowName ? { shadowName } : {}),
      payload: Buffer.from(JSON.stringify(body)),
    }),
  );
  return jsonPayload(response.payload);
}

async function getShadow(thingName: string, shadowName?: string) {
  return jsonPayload(
    (await ctx.f.iotData.send(new GetThingShadowCommand({ thingName, ...(shadowName ? { shadowName } : {}) }))).payload,
  );
}

describe("named shadows over HTTP", () => {
  it("merges updates and returns state, delta, metadata and version", async () => {
    const accepted = await updateShadow("sensor-1", "lorawan", {
      state: { reported: { battery: 90, radio: { rssi: -80 } } },
      clientToken: "t1",
    });
    expect(accepted).toMatchObject({
      state: { reported: { battery: 90, radio: { rssi: -80 } } },
      version: 1,
      clientToken: "t1",
    });
    await updateShadow("sensor-1", "lorawan", {
      state: { reported: { radio: { snr: 7 }, battery: null }, desired: { period: 60 } },
    });

    const shadow = await getShadow("sensor-1", "lorawan");
    expect(shadow["state"]).toEqual({
      reported: { radio: { rssi: -80, snr: 7 } },
      desired: { period: 60 },
      delta: { period: 60 },
    });
    expect(shadow["version"]).toBe(2);
    const metadata = shadow["metadata"] as { reported: { radio: { rssi: { timestamp: number } } } };
    expect(Math.abs(metadata.reported.radio.rssi.timestamp - Date.now() / 1000)).toBeLessThan(5);
  });

  it("publishes accepted, documents and delta messages on the named shadow's topics", async () => {
    await updateShadow("sensor-1", "lorawan", { state: { reported: { led: "off" } } });
    ctx.f.published.length = 0;
    await updateShadow("sensor-1", "lorawan", { state: { desired: { led: "on" } }, clientToken: "c2" });

    const prefix = "$aws/things/sensor-1/shadow/name/lorawan/update/";
    const messages = ctx.f.messagesOn("$aws/");
    expect(messages.map((message) => message.topic)).toEqual([
      `${prefix}accepted`,
      `${prefix}documents`,
      `${prefix}delta`,
    ]);
    const [accepted, documents, delta] = messages.map((message) => message.json);
    expect(accepted).toMatchObject({ state: { desired: { led: "on" } }, version: 2, clientToken: "c2" });
    expect(documents).toMatchObject({
      previous: { state: { reported: { led: "off" } }, version: 1 },
      current: { state: { reported: { led: "off" }, desired: { led: "on" } }, version: 2 },
      clientToken: "c2",
    });
    expect(delta).toMatchObject({ state: { led: "on" }, version: 2, clientToken: "c2" });
    expect(ctx.f.published.every((message) => message.options.qos === 1 && !message.options.retain)).toBe(true);
  });

  it("publishes no delta when reported matches desired", async () => {
    await updateShadow("sensor-1", "lorawan", { state: { desired: { led: "on" }, reported: { led: "on" } } });
    expect(ctx.f.messagesOn("$aws/things/sensor-1/shadow/name/lorawan/update/delta")).toEqual([]);
    expect(ctx.f.messagesOn("$aws/things/sensor-1/shadow/name/lorawan/update/accepted")).toHaveLength(1);
  });

  it("rejects a stale version with ConflictException (409)", async () => {
    await updateShadow("sensor-1", "lorawan", { state: { reported: { a: 1 } } });
    await updateShadow("sensor-1", "lorawan", { state: { reported: { a: 2 } }, version: 1 });
    const stale = updateShadow("sensor-1", "lorawan", { state: { reported: { a: 3 } }, version: 1 });
    await expect(stale).rejects.toBeInstanceOf(ConflictException);
    await expect(stale).rejects.toMatchObject({ $metadata: { httpStatusCode: 409 } });
    expect((await getShadow("sensor-1", "lorawan"))["state"]).toEqual({ reported: { a: 2 } });
  });

  it("reports a missing shadow with AWS's message", async () => {
    const missing = getShadow("sensor-1", "lorawan");
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missing).rejects.toThrow("No shadow exists with name: 'sensor-1~lorawan'");
  });

  it("rejects malformed documents with InvalidRequestException", async () => {
    await expect(updateShadow("sensor-1", "lorawan", { reported: { a: 1 } })).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    const notJson = ctx.f.iotData.send(
      new UpdateThingShadowCommand({ thingName: "sensor-1", payload: Buffer.from("{oops") }),
    );
    await expect(notJson).rejects.toThrow("Payload contains invalid json");
  });

  it("deletes a shadow, keeps its version counting and lists named shadows", async () => {
    await updateShadow("sensor-1", "lorawan", { state: { reported: { a: 1 } } });
    await updateShadow("sensor-1", "config", { state: { desired: { b: 1 } } });
    await updateShadow("sensor-1", undefined, { state: { reported: { classic: true } } });
    const listed = await ctx.f.iotData.send(new ListNamedShadowsForThingCommand({ thingName: "sensor-1" }));
    expect(listed.results).toEqual(["config", "lorawan"]);

    const deleted = jsonPayload(
      (await ctx.f.iotData.send(new DeleteThingShadowCommand({ thingName: "sensor-1", shadowName: "lorawan" })))
        .payload,
    );
    expect(deleted["version"]).toBe(1);
    expect(ctx.f.messagesOn("$aws/things/sensor-1/shadow/name/lorawan/delete/accepted")).toHaveLength(1);
    await expect(getShadow("sensor-1", "lorawan")).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      ctx.f.iotData.send(new DeleteThingShadowCommand({ thingName: "sensor-1", shadowName: "lorawan" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect((await ctx.f.iotData.send(new ListNamedShadowsForThingCommand({ thingName: "sensor-1" }))).results).toEqual([
      "config",
    ]);
    expect((await updateShadow("sensor-1", "lorawan", { state: { reported: { a: 2 } } }))["version"]).toBe(2);
  });

  it("pages named shadows", async () => {
    for (const name of ["s1", "s2", "s3"]) await updateShadow("sensor-1", name, { state: { reported: { a: 1 } } });
    const first = await ctx.f.iotData.send(new ListNamedShadowsForThingCommand({ thingName: "sensor-1", pageSize: 2 }));
    expect(first.results).toEqual(["s1", "s2"]);
    const second = await ctx.f.iotData.send(
      new ListNamedShadowsForThingCommand({ thingName: "sensor-1", pageSize: 2, nextToken: first.nextToken }),
    );
    expect(second.results).toEqual(["s3"]);
    expect(second.nextToken).toBeUndefined();
  });
});

describe("classic shadow", () => {
  it("lives apart from named shadows and publishes on the classic topics", async () => {
    await updateShadow("sensor-1", undefined, { state: { desired: { led: "on" } } });
    expect((await getShadow("sensor-1"))["state"]).toEqual({ desired: { led: "on" }, delta: { led: "on" } });
    await expect(getShadow("sensor-1", "lorawan")).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(ctx.f.messagesOn("$aws/").map((message) => message.topic)).toEqual([
      "$aws/things/sensor-1/shadow/update/accepted",
      "$aws/things/sensor-1/shadow/update/documents",
      "$aws/things/sensor-1/shadow/update/delta",
    ]);
    await expect(getShadow("other")).rejects.toThrow("No shadow exists with name: 'other'");
  });
});

describe("Publish", () => {
  it("hands topic, payload bytes, qos and retain to the publish callback", async () => {
    const payload = Buffer.from([0, 1, 2, 255]);
    await ctx.f.iotData.send(new PublishCommand({ topic: "lorawan/sensor-1/uplink", qos: 1, retain: true, payload }));
    await ctx.f.iotData.send(new PublishCommand({ topic: "lorawan/sensor-1/status", payload: Buffer.from("{}") }));
    expect(ctx.f.published).toEqual([
      { topic: "lorawan/sensor-1/uplink", payload, options: { qos: 1, retain: true } },
      { topic: "lorawan/sensor-1/status", payload: Buffer.from("{}"), options: { qos: 0, retain: false } },
    ]);
  });

  it("rejects wildcard topics and qos 2", async () => {
    await expect(
      ctx.f.iotData.send(new PublishCommand({ topic: "lorawan/+/uplink", payload: Buffer.from("x") })),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(
      ctx.f.iotData.send(new PublishCommand({ topic: "a", qos: 2, payload: Buffer.from("x") })),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    expect(ctx.f.published).toEqual([]);
  });

  // AWS IoT Core endpoints and quotas, "Message broker and protocol limits and quotas": payload 128 KB,
  // topic 256 bytes of UTF-8, at most 7 forward slashes; the Publish API answers 413
  // RequestEntityTooLargeException for a larger payload (AWS IoT data plane API reference, Publish).
  it("takes a payload of exactly 128 KB, and refuses one byte more with RequestEntityTooLargeException (413)", async () => {
    const max = Buffer.alloc(131_072, 0x61);
    await ctx.f.iotData.send(new PublishCommand({ topic: "lorawan/big", payload: max }));
    const error = await ctx.f.iotData
      .send(new PublishCommand({ topic: "lorawan/big", payload: Buffer.alloc(131_073, 0x61) }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestEntityTooLargeException);
    expect((error as RequestEntityTooLargeException).$metadata.httpStatusCode).toBe(413);
    expect(ctx.f.published).toHaveLength(1);
  });

  it.each([
    ["257 bytes", `lorawan/${"a".repeat(249)}`],
    ["8 slashes", "a/b/c/d/e/f/g/h/i"],
    ["a NUL", "lorawan/a\u0000b"],
  ])("refuses a topic of %s with InvalidRequestException, and takes the limit itself", async (_, topic) => {
    await expect(ctx.f.iotData.send(new PublishCommand({ topic, payload: Buffer.from("x") }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    expect(ctx.f.published).toEqual([]);
  });

  it("takes a topic of exactly 256 bytes and 7 slashes", async () => {
    const topic = `a/b/c/d/e/f/g/${"h".repeat(256 - 14)}`;
    expect(Buffer.byteLength(topic)).toBe(256);
    await ctx.f.iotData.send(new PublishCommand({ topic, payload: Buffer.from("x") }));
    expect(ctx.f.published.map((message) => message.topic)).toEqual([topic]);
  });
});
