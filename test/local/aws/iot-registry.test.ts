import {
  CreateThingCommand,
  CreateThingTypeCommand,
  DeleteThingCommand,
  DescribeEndpointCommand,
  DescribeThingCommand,
  DescribeThingTypeCommand,
  InvalidRequestException,
  ListThingsCommand,
  paginateListThings,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateThingCommand,
  VersionConflictException,
} from "@aws-sdk/client-iot";
import { beforeEach, describe, expect, it } from "vitest";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../../../local/aws/local-account.ts";
import { useEndpointFixture } from "./endpoint-fixture.ts";

const TYPE = "lorawan-device";
const ctx = useEndpointFixture();
beforeEach(async () => {
  await ctx.f.iot.send(
    new CreateThingTypeCommand({
      thingTypeName: TYPE,
      thingTypeProperties: { searchableAttributes: ["stackName", "devEui"] },
    }),
  );
});

function createThing(thingName: string, attributes: Record<string, string> = { stackName: "prod" }) {
  return ctx.f.iot.send(new CreateThingCommand({ thingName, thingTypeName: TYPE, attributePayload: { attributes } }));
}

describe("thing types", () => {
  it("describes a created thing type", async () => {
    const type = await ctx.f.iot.send(new DescribeThingTypeCommand({ thingTypeName: TYPE }));
    expect(type.thingTypeArn).toBe(`arn:aws:iot:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:thingtype/${TYPE}`);
    expect(type.thingTypeProperties?.searchableAttributes).toEqual(["stackName", "devEui"]);
    expect(type.thingTypeMetadata?.deprecated).toBe(false);
    expect(type.thingTypeMetadata?.creationDate).toBeInstanceOf(Date);
    expect(Math.abs(Date.now() - (type.thingTypeMetadata?.creationDate?.getTime() ?? 0))).toBeLessThan(5000);
  });

  it("is idempotent for the same properties and conflicts for others", async () => {
    const again = await ctx.f.iot.send(
      new CreateThingTypeCommand({
        thingTypeName: TYPE,
        thingTypeProperties: { searchableAttributes: ["stackName", "devEui"] },
      }),
    );
    expect(again.thingTypeName).toBe(TYPE);
    await expect(ctx.f.iot.send(new CreateThingTypeCommand({ thingTypeName: TYPE }))).rejects.toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
  });

  it("reports a missing thing type", async () => {
    await expect(ctx.f.iot.send(new DescribeThingTypeCommand({ thingTypeName: "nope" }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe("things", () => {
  it("creates and describes a thing", async () => {
    const created = await createThing("sensor-1", { stackName: "prod", devEui: "0004A30B001C0530" });
    expect(created.thingArn).toBe(`arn:aws:iot:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:thing/sensor-1`);
    const thing = await ctx.f.iot.send(new DescribeThingCommand({ thingName: "sensor-1" }));
    expect(thing).toMatchObject({
      thingName: "sensor-1",
      thingId: created.thingId,
      thingArn: created.thingArn,
      thingTypeName: TYPE,
      attributes: { stackName: "prod", devEui: "0004A30B001C0530" },
      version: 1,
      defaultClientId: "sensor-1",
    });
  });

  it("is idempotent for the same configuration and conflicts for another", async () => {
    const first = await createThing("sensor-1");
    const again = await createThing("sensor-1");
    expect(again.thingId).toBe(first.thingId);
    const conflict = createThing("sensor-1", { stackName: "staging" });
    await expect(conflict).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    await expect(conflict).rejects.toMatchObject({ $metadata: { httpStatusCode: 409 } });
  });

  it("needs an existing thing type", async () => {
    const missingType = ctx.f.iot.send(new CreateThingCommand({ thingName: "sensor-1", thingTypeName: "nope" }));
    await expect(missingType).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missingType).rejects.toThrow("Thing type nope cannot be found.");
  });

  it("rejects names and attribute values AWS rejects", async () => {
    await expect(ctx.f.iot.send(new CreateThingCommand({ thingName: "bad name" }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    await expect(createThing("sensor-1", { stackName: "has space" })).rejects.toBeInstanceOf(InvalidRequestException);
  });

  it("reports a missing thing as ResourceNotFoundException with status 404", async () => {
    const missing = ctx.f.iot.send(new DescribeThingCommand({ thingName: "nope" }));
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missing).rejects.toMatchObject({
      message: "Thing nope cannot be found.",
      $metadata: { httpStatusCode: 404 },
    });
  });

  it("merges or replaces attributes, bumps the version and checks expectedVersion", async () => {
    await createThing("sensor-1", { stackName: "prod", devEui: "01" });
    await ctx.f.iot.send(
      new UpdateThingCommand({
        thingName: "sensor-1",
        attributePayload: { attributes: { devEui: "", region: "EU868" }, merge: true },
      }),
    );
    let thing = await ctx.f.iot.send(new DescribeThingCommand({ thingName: "sensor-1" }));
    expect(thing.attributes).toEqual({ stackName: "prod", region: "EU868" });
    expect(thing.version).toBe(2);

    await ctx.f.iot.send(
      new UpdateThingCommand({
        thingName: "sensor-1",
        expectedVersion: 2,
        attributePayload: { attributes: { only: "this" } },
      }),
    );
    thing = await ctx.f.iot.send(new DescribeThingCommand({ thingName: "sensor-1" }));
    expect(thing.attributes).toEqual({ only: "this" });

    const stale = ctx.f.iot.send(
      new UpdateThingCommand({ thingName: "sensor-1", expectedVersion: 1, attributePayload: { attributes: {} } }),
    );
    await expect(stale).rejects.toBeInstanceOf(VersionConflictException);
  });

  it("removes and sets the thing type", async () => {
    await createThing("sensor-1");
    await ctx.f.iot.send(new UpdateThingCommand({ thingName: "sensor-1", removeThingType: true }));
    expect((await ctx.f.iot.send(new DescribeThingCommand({ thingName: "sensor-1" }))).thingTypeName).toBeUndefined();
    await ctx.f.iot.send(new UpdateThingCommand({ thingName: "sensor-1", thingTypeName: TYPE }));
    expect((await ctx.f.iot.send(new DescribeThingCommand({ thingName: "sensor-1" }))).thingTypeName).toBe(TYPE);
    await expect(
      ctx.f.iot.send(new UpdateThingCommand({ thingName: "sensor-1", thingTypeName: "nope" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("deletes a thing, succeeds for a missing one, and checks expectedVersion", async () => {
    await createThing("sensor-1");
    await expect(
      ctx.f.iot.send(new DeleteThingCommand({ thingName: "sensor-1", expectedVersion: 5 })),
    ).rejects.toBeInstanceOf(VersionConflictException);
    await ctx.f.iot.send(new DeleteThingCommand({ thingName: "sensor-1", expectedVersion: 1 }));
    await expect(ctx.f.iot.send(new DescribeThingCommand({ thingName: "sensor-1" }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await ctx.f.iot.send(new DeleteThingCommand({ thingName: "sensor-1" }));
  });
});

describe("ListThings", () => {
  beforeEach(async () => {
    await createThing("c-thing", { stackName: "prod" });
    await createThing("a-thing", { stackName: "prod" });
    await createThing("b-thing", { stackName: "staging" });
    await ctx.f.iot.send(
      new CreateThingCommand({ thingName: "untyped", attributePayload: { attributes: { stackName: "prod" } } }),
    );
  });

  it("filters by attribute", async () => {
    const listed = await ctx.f.iot.send(new ListThingsCommand({ attributeName: "stackName", attributeValue: "prod" }));
    expect(listed.things?.map((thing) => thing.thingName)).toEqual(["a-thing", "c-thing", "untyped"]);
    expect(listed.things?.[0]).toMatchObject({ thingTypeName: TYPE, attributes: { stackName: "prod" }, version: 1 });
  });

  it("filters by thing type and attribute prefix", async () => {
    const typed = await ctx.f.iot.send(
      new ListThingsCommand({
        thingTypeName: TYPE,
        attributeName: "stackName",
        attributeValue: "st",
        usePrefixAttributeValue: true,
      }),
    );
    expect(typed.things?.map((thing) => thing.thingName)).toEqual(["b-thing"]);
  });

  it("paginates with maxResults and nextToken", async () => {
    const first = await ctx.f.iot.send(new ListThingsCommand({ maxResults: 3 }));
    expect(first.things?.map((thing) => thing.thingName)).toEqual(["a-thing", "b-thing", "c-thing"]);
    expect(first.nextToken).toBeTypeOf("string");
    const second = await ctx.f.iot.send(new ListThingsCommand({ maxResults: 3, nextToken: first.nextToken }));
    expect(second.things?.map((thing) => thing.thingName)).toEqual(["untyped"]);
    expect(second.nextToken).toBeUndefined();

    const names: string[] = [];
    for await (const page of paginateListThings({ client: ctx.f.iot, pageSize: 1 }, {})) {
      names.push(...(page.things ?? []).map((thing) => thing.thingName ?? ""));
    }
    expect(names).toEqual(["a-thing", "b-thing", "c-thing", "untyped"]);
  });

  it("rejects a foreign token and an out-of-range page size", async () => {
    await expect(ctx.f.iot.send(new ListThingsCommand({ nextToken: "forged" }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    await expect(ctx.f.iot.send(new ListThingsCommand({ maxResults: 500 }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
  });
});

describe("DescribeEndpoint", () => {
  it("gives the local host and port for data endpoints", async () => {
    const ats = await ctx.f.iot.send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" }));
    expect(ats.endpointAddress).toBe(`127.0.0.1:${ctx.f.endpoint.port}`);
    await expect(ctx.f.iot.send(new DescribeEndpointCommand({ endpointType: "iot:Nope" }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
  });
});

describe("attribute names", () => {
  it("stores an attribute named __proto__ (a valid attribute name) like any other", async () => {
    const response = await fetch(`${ctx.f.endpoint.url}/things/proto-thing`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"attributePayload":{"attributes":{"__proto__":"x","a":"1"}}}',
    });
    expect(response.status).toBe(200);
    const described = await fetch(`${ctx.f.endpoint.url}/things/proto-thing`);
    expect(await described.text()).toContain('"attributes":{"__proto__":"x","a":"1"}');
  });
});
