import { describe, expect, it } from "vitest";
import { thingAttributesFor, thingNameFor } from "../../functions/core/thing-name.ts";
import { parseTtsMessage } from "../../functions/core/tts-message.ts";
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
