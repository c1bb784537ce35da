/**
 * The thing registry's events and the account's event configuration, as AWS documents them:
 * AWS IoT Core Developer Guide, "Registry events" (topics and the THING_EVENT message) and
 * AWS IoT API Reference, UpdateEventConfigurations / DescribeEventConfigurations.
 */
import {
  CreateThingCommand,
  CreateThingTypeCommand,
  DeleteThingCommand,
  DescribeEventConfigurationsCommand,
  InvalidRequestException,
  UpdateEventConfigurationsCommand,
  UpdateThingCommand,
} from "@aws-sdk/client-iot";
import { beforeEach, describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../../local/aws/event-configurations.ts";
import { LOCAL_ACCOUNT_ID } from "../../../local/aws/local-account.ts";
import { startFixture, useEndpointFixture } from "./endpoint-fixture.ts";

const ctx = useEndpointFixture();
const thingEvents = () => ctx.f.messagesOn("$aws/events/thing/");

beforeEach(async () => {
  await ctx.f.iot.send(new CreateThingTypeCommand({ thingTypeName: "lorawan" }));
});

const enableThingEvents = (Enabled = true) =>
  ctx.f.iot.send(new UpdateEventConfigurationsCommand({ eventConfigurations: { THING: { Enabled } } }));

describe("event configurations", () => {
  it("has every event type off until enabled, as AWS ('not available by default')", async () => {
    const described = await ctx.f.iot.send(new DescribeEventConfigurationsCommand({}));
    expect(described.eventConfigurations).toEqual(
      Object.fromEntries(EVENT_TYPES.map((type) => [type, { Enabled: false }])),
    );
    expect(described.creationDate).toBeInstanceOf(Date);
  });

  it("enables THING and leaves the types it does not name as they were", async () => {
    await enableThingEvents();
    await ctx.f.iot.send(new UpdateEventConfigurationsCommand({ eventConfigurations: { JOB: { Enabled: false } } }));
    const described = await ctx.f.iot.send(new DescribeEventConfigurationsCommand({}));
    expect(described.eventConfigurations?.["THING"]).toEqual({ Enabled: true });
    expect(described.eventConfigurations?.["JOB"]).toEqual({ Enabled: false });
  });

  it("refuses a key that is not an event type with InvalidRequestException (400)", async () => {
    const error = await ctx.f.iot
      // The SDK's types allow the valid keys only; a CLI or raw request can send any.
      .send(new UpdateEventConfigurationsCommand({ eventConfigurations: { THINGS: { Enabled: true } } as never }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestException);
    expect((error as InvalidRequestException).$metadata.httpStatusCode).toBe(400);
  });

  it("is kept across restarts", async () => {
    await enableThingEvents();
    await ctx.f.close();
    ctx.f = await startFixture(ctx.dataDir);
    const described = await ctx.f.iot.send(new DescribeEventConfigurationsCommand({}));
    expect(described.eventConfigurations?.["THING"]).toEqual({ Enabled: true });
  });
});

describe("thing registry events ($aws/events/thing/<name>/created|updated|deleted)", () => {
  it("publishes nothing while THING events are off", async () => {
    await ctx.f.iot.send(new CreateThingCommand({ thingName: "quiet" }));
    await ctx.f.iot.send(new DeleteThingCommand({ thingName: "quiet" }));
    expect(thingEvents()).toEqual([]);
  });

  it("publishes created, updated and deleted in AWS's THING_EVENT shape, attributes and all", async () => {
    await enableThingEvents();
    const created = await ctx.f.iot.send(
      new CreateThingCommand({
        thingName: "dev-1",
        thingTypeName: "lorawan",
        attributePayload: { attributes: { devEUI: "0004A30B001C0530", appKey: "00112233445566778899AABBCCDDEEFF" } },
      }),
    );
    await ctx.f.iot.send(
      new UpdateThingCommand({ thingName: "dev-1", attributePayload: { attributes: { appKey: "" }, merge: true } }),
    );
    await ctx.f.iot.send(new DeleteThingCommand({ thingName: "dev-1" }));
    const events = thingEvents();
    expect(events.map(({ topic }) => topic)).toEqual([
      "$aws/events/thing/dev-1/created",
      "$aws/events/thing/dev-1/updated",
      "$aws/events/thing/dev-1/deleted",
    ]);
    const [first, second, third] = events.map(({ json }) => json);
    expect(first).toEqual({
      eventType: "THING_EVENT",
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      timestamp: expect.any(Number),
      operation: "CREATED",
      accountId: LOCAL_ACCOUNT_ID,
      thingId: created.thingId,
      thingName: "dev-1",
      versionNumber: 1,
      thingTypeName: "lorawan",
      // The event carries every attribute, keys included: AWS's format, which is why our rules select none.
      attributes: { devEUI: "0004A30B001C0530", appKey: "00112233445566778899AABBCCDDEEFF" },
    });
    expect(second).toMatchObject({
      operation: "UPDATED",
      versionNumber: 2,
      attributes: { devEUI: "0004A30B001C0530" },
    });
    expect(third).toMatchObject({ operation: "DELETED", thingTypeName: "lorawan", thingId: created.thingId });
    expect(new Set(events.map(({ json }) => json["eventId"])).size).toBe(3);
  });

  it("a thing without a type has thingTypeName null; repeated creates and deletes of nothing publish nothing", async () => {
    await enableThingEvents();
    await ctx.f.iot.send(new CreateThingCommand({ thingName: "plain" }));
    // Idempotent: the same configuration again creates nothing.
    await ctx.f.iot.send(new CreateThingCommand({ thingName: "plain" }));
    await ctx.f.iot.send(new DeleteThingCommand({ thingName: "never-there" }));
    expect(thingEvents().map(({ json }) => [json["operation"], json["thingTypeName"]])).toEqual([["CREATED", null]]);
  });

  it("stops when THING events are disabled again", async () => {
    await enableThingEvents();
    await enableThingEvents(false);
    await ctx.f.iot.send(new CreateThingCommand({ thingName: "after" }));
    expect(thingEvents()).toEqual([]);
  });
});
