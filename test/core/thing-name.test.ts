import { describe, expect, it } from "vitest";
import { thingAttributesProblem, thingNameProblem } from "../../functions/core/aws-limits.ts";
import {
  MAX_STACK_NAME_LENGTH,
  THING_NAME_SCHEMES,
  thingAttributesFor,
  thingNameFor,
} from "../../functions/core/thing-name.ts";
import { parseTtsMessage } from "../../functions/core/tts-message.ts";
import { loadSettings } from "../../functions/settings.ts";
import { fixture } from "../support/fixtures.ts";

const idsOf = (value: unknown) => parseTtsMessage(value).message.end_device_ids;
const uplink = fixture("uplink");
const withoutDevEui = {
  ...uplink,
  end_device_ids: { device_id: "abp-sensor-7", application_ids: { application_id: "app1" } },
};
const lowerCaseDevEui = { ...uplink, end_device_ids: { ...uplink.end_device_ids, dev_eui: "0004a30b001c0530" } };

describe("thingNameFor", () => {
  it("uses the upper-case DevEUI under the DevEUI scheme", () => {
    expect(thingNameFor(idsOf(uplink), "DevEUI", "prod")).toBe("0004A30B001C0530");
    expect(thingNameFor(idsOf(lowerCaseDevEui), "DevEUI", "prod")).toBe("0004A30B001C0530");
  });

  it("uses <stackName>_<device_id> under the DeviceID scheme", () => {
    expect(thingNameFor(idsOf(uplink), "DeviceID", "prod-eu1")).toBe("prod-eu1_dev1");
  });

  it("falls back to the DeviceID scheme for a device without DevEUI", () => {
    expect(thingNameFor(idsOf(withoutDevEui), "DevEUI", "prod")).toBe("prod_abp-sensor-7");
  });
});

describe("thingAttributesFor", () => {
  it("sets the searchable and informative attributes", () => {
    expect(thingAttributesFor(idsOf(lowerCaseDevEui), "prod")).toEqual({
      stackName: "prod",
      deviceID: "dev1",
      applicationID: "app1",
      devEUI: "0004A30B001C0530",
    });
  });

  it("has no devEUI attribute for a device without one", () => {
    expect(thingAttributesFor(idsOf(withoutDevEui), "prod")).toEqual({
      stackName: "prod",
      deviceID: "abp-sensor-7",
      applicationID: "app1",
    });
  });
});

// AWS IoT API reference, CreateThing and AttributePayload; AWS IoT Core endpoints and quotas (attributes per thing).
describe("what ensure-thing asks CreateThing for, AWS accepts", () => {
  const longest = {
    device_id: `${"d1-".repeat(11)}d12`,
    application_ids: { application_id: `${"a1-".repeat(11)}a12` },
    dev_eui: "ffffffffffffffff",
  };
  const stackName = `S${"a-".repeat(15)}z`;

  it("for the longest TTS ids and stack name, under both schemes, with or without a DevEUI", () => {
    expect(longest.device_id).toHaveLength(36);
    expect(stackName).toHaveLength(MAX_STACK_NAME_LENGTH);
    const { dev_eui: _, ...withoutEui } = longest;
    for (const ids of [longest, withoutEui]) {
      const parsed = idsOf({ ...uplink, end_device_ids: ids });
      for (const scheme of THING_NAME_SCHEMES) {
        expect(thingNameProblem(thingNameFor(parsed, scheme, stackName))).toBeUndefined();
      }
      // Up to 4 attributes: more than a thing without a thing type may have, within the 50 of a typed one.
      expect(thingAttributesProblem(thingAttributesFor(parsed, stackName), true)).toBeUndefined();
    }
  });

  it("always with a thing type: the 4 attributes would be refused without one", () => {
    const attributes = thingAttributesFor(idsOf(uplink), "prod");
    expect(Object.keys(attributes)).toHaveLength(4);
    expect(thingAttributesProblem(attributes, false)).toContain("without a thing type can have at most 3");
    expect(loadSettings("ensure-thing", { STACK_NAME: "prod" }).THING_TYPE_NAME).toBe("lorawan");
    expect(() => loadSettings("ensure-thing", { STACK_NAME: "prod", THING_TYPE_NAME: "" })).toThrow(/THING_TYPE_NAME/);
    expect(() => loadSettings("ensure-thing", { STACK_NAME: "s".repeat(33) })).toThrow(/at most 32 characters/);
  });
});
