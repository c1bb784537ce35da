import { describe, expect, it } from "vitest";
import { matchesFilter, type ThingRecord, updatedAttributes } from "../../../local/aws/thing-registry.ts";

const thing: ThingRecord = {
  thingName: "t",
  thingId: "id",
  thingArn: "arn",
  thingTypeName: "lorawan-device",
  attributes: { stackName: "prod", devEui: "0004A30B001C0530" },
  version: 1,
};

describe("updatedAttributes", () => {
  it("merges, and removes attributes set to the empty string", () => {
    expect(updatedAttributes({ a: "1", b: "2" }, { attributes: { b: "", c: "3" }, merge: true })).toEqual({
      a: "1",
      c: "3",
    });
  });

  it("replaces all attributes without merge", () => {
    expect(updatedAttributes({ a: "1", b: "2" }, { attributes: { c: "3" } })).toEqual({ c: "3" });
  });

  it("keeps attributes when the payload has none", () => {
    expect(updatedAttributes({ a: "1" }, undefined)).toEqual({ a: "1" });
  });
});

describe("matchesFilter", () => {
  it("filters on attribute value, exact or by prefix", () => {
    expect(matchesFilter(thing, { attributeName: "stackName", attributeValue: "prod" })).toBe(true);
    expect(matchesFilter(thing, { attributeName: "stackName", attributeValue: "pro" })).toBe(false);
    expect(
      matchesFilter(thing, { attributeName: "stackName", attributeValue: "pro", usePrefixAttributeValue: true }),
    ).toBe(true);
  });

  it("filters on attribute presence and thing type", () => {
    expect(matchesFilter(thing, { attributeName: "devEui" })).toBe(true);
    expect(matchesFilter(thing, { attributeName: "missing" })).toBe(false);
    expect(matchesFilter(thing, { thingTypeName: "other" })).toBe(false);
    expect(matchesFilter(thing, {})).toBe(true);
  });
});
