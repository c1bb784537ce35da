/**
 * The local thing registry refuses what AWS refuses, with AWS's error: InvalidRequestException (400)
 * and AWS's request validation wording. Limits from the AWS IoT API reference (CreateThing,
 * UpdateThing, CreateThingType, AttributePayload: names 1–128 of `[a-zA-Z0-9:_-]+`, attribute names
 * ≤ 128 of `[a-zA-Z0-9_.,@/:#-]+`, values ≤ 800 of `[a-zA-Z0-9_.,@/:#=\[\]-]*`) and from "AWS IoT Core
 * endpoints and quotas" (3 attributes for a thing without a thing type, 50 with one; 3 searchable
 * attributes per thing type).
 */
import {
  CreateThingCommand,
  CreateThingTypeCommand,
  DescribeThingCommand,
  InvalidRequestException,
  UpdateThingCommand,
} from "@aws-sdk/client-iot";
import { beforeEach, describe, expect, it } from "vitest";
import { useEndpointFixture } from "./endpoint-fixture.ts";

const TYPE = "lorawan-limits";
const ctx = useEndpointFixture();
beforeEach(async () => {
  await ctx.f.iot.send(new CreateThingTypeCommand({ thingTypeName: TYPE }));
});

const attributes = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, index) => [`a${index}`, "v"]));

async function refusal(request: Promise<unknown>): Promise<InvalidRequestException> {
  const error = await request.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(InvalidRequestException);
  expect((error as InvalidRequestException).$metadata.httpStatusCode).toBe(400);
  return error as InvalidRequestException;
}

describe("thing names (CreateThing: 1–128 of [a-zA-Z0-9:_-]+)", () => {
  it("takes 128 characters of every allowed kind", async () => {
    const name = `aZ09:_-${"x".repeat(121)}`;
    await expect(ctx.f.iot.send(new CreateThingCommand({ thingName: name }))).resolves.toMatchObject({
      thingName: name,
    });
  });

  it("refuses 129 characters in AWS's words", async () => {
    const name = "x".repeat(129);
    const error = await refusal(ctx.f.iot.send(new CreateThingCommand({ thingName: name })));
    expect(error.message).toBe(
      `1 validation error detected: Value '${name}' at 'thingName' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
  });

  it.each(["has space", "dot.ted", "slash/ed", "émile", "hash#"])("refuses %j, naming the pattern", async (name) => {
    const error = await refusal(ctx.f.iot.send(new CreateThingCommand({ thingName: name })));
    expect(error.message).toBe(
      `1 validation error detected: Value '${name}' at 'thingName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+`,
    );
  });

  it("refuses a bad name on reads too, before looking it up", async () => {
    await refusal(ctx.f.iot.send(new DescribeThingCommand({ thingName: "bad name" })));
  });
});

describe("attributes (AttributePayload)", () => {
  const create = (attributePayload: Record<string, string>, thingTypeName?: string) =>
    ctx.f.iot.send(
      new CreateThingCommand({
        thingName: "sensor-1",
        attributePayload: { attributes: attributePayload },
        thingTypeName,
      }),
    );

  it("takes names of 128 and values of 800 characters of the allowed sets, = [ ] included in values", async () => {
    await expect(create({ [`a_.,@/:#-${"n".repeat(119)}`]: `v=[]_.,@/:#-${"v".repeat(788)}` })).resolves.toBeDefined();
  });

  it.each([
    ["a name of 129 characters", { ["n".repeat(129)]: "v" }, "Map keys must satisfy constraint"],
    ["a name with a space", { "my name": "v" }, "Map keys must satisfy constraint"],
    ["a name with =", { "a=b": "v" }, "Map keys must satisfy constraint"],
    ["a value of 801 characters", { name: "v".repeat(801) }, "Map value must satisfy constraint"],
    ["a value with a space", { name: "has space" }, "Map value must satisfy constraint"],
    ["a value with a quote", { name: "it's" }, "Map value must satisfy constraint"],
  ])("refuses %s", async (_, payload, constraint) => {
    const error = await refusal(create(payload));
    expect(error.message).toMatch(
      new RegExp(
        `^1 validation error detected: Value '.*' at 'attributePayload.attributes' failed to satisfy constraint: ${constraint}: \\[`,
      ),
    );
  });

  it("takes 3 attributes on a thing without a thing type, refuses 4", async () => {
    await expect(create(attributes(3))).resolves.toBeDefined();
    const error = await refusal(
      ctx.f.iot.send(
        new CreateThingCommand({ thingName: "sensor-2", attributePayload: { attributes: attributes(4) } }),
      ),
    );
    expect(error.message).toContain("a thing without a thing type can have at most 3 attributes");
  });

  it("takes 50 attributes on a thing with a thing type, refuses 51", async () => {
    await expect(create(attributes(50), TYPE)).resolves.toBeDefined();
    const error = await refusal(
      ctx.f.iot.send(
        new CreateThingCommand({
          thingName: "sensor-2",
          thingTypeName: TYPE,
          attributePayload: { attributes: attributes(51) },
        }),
      ),
    );
    expect(error.message).toContain("at most 50 attributes");
  });

  it("counts after UpdateThing's merge, and against the thing type the update leaves", async () => {
    await create(attributes(3));
    await refusal(
      ctx.f.iot.send(
        new UpdateThingCommand({ thingName: "sensor-1", attributePayload: { attributes: { more: "v" }, merge: true } }),
      ),
    );
    await ctx.f.iot.send(
      new UpdateThingCommand({
        thingName: "sensor-1",
        thingTypeName: TYPE,
        attributePayload: { attributes: attributes(10), merge: true },
      }),
    );
    const error = await refusal(
      ctx.f.iot.send(new UpdateThingCommand({ thingName: "sensor-1", removeThingType: true })),
    );
    expect(error.message).toContain("a thing without a thing type can have at most 3 attributes");
  });
});

describe("thing types (CreateThingType)", () => {
  it.each([
    ["129 characters", "t".repeat(129), "Member must have length less than or equal to 128"],
    ["a space", "my type", "Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+"],
  ])("refuses a name of %s", async (_, name, constraint) => {
    const error = await refusal(ctx.f.iot.send(new CreateThingTypeCommand({ thingTypeName: name })));
    expect(error.message).toBe(
      `1 validation error detected: Value '${name}' at 'thingTypeName' failed to satisfy constraint: ${constraint}`,
    );
  });

  it("takes 3 searchable attributes, refuses 4 and badly named ones", async () => {
    const create = (thingTypeName: string, searchableAttributes: string[]) =>
      ctx.f.iot.send(new CreateThingTypeCommand({ thingTypeName, thingTypeProperties: { searchableAttributes } }));
    await expect(create("three", ["a", "b", "c"])).resolves.toBeDefined();
    expect((await refusal(create("four", ["a", "b", "c", "d"]))).message).toContain("at most 3 searchable attributes");
    await refusal(create("spaced", ["has space"]));
  });
});
