import { describe, expect, it } from "vitest";
import {
  DEVICE_ATTRIBUTE_ERROR_NAMES,
  DeviceAttributeError,
  type DeviceAttributeErrorName,
  endDeviceSpec,
  isRegisteredInTts,
  type ProvisioningDefaults,
  rootKeysOf,
} from "../../../functions/core/provisioning/device-attributes.ts";

const APP_KEY = "00112233445566778899aabbccddeeff";
const NWK_KEY = "ffeeddccbbaa99887766554433221100";
const DEFAULTS: ProvisioningDefaults = {
  applicationId: "app-one",
  applicationIds: ["app-one"],
  frequencyPlanId: "EU_863_870_TTN",
  lorawanVersion: "1.0.3",
  regionalParametersVersion: "1.0.3-a",
};
const VALID = { devEUI: "0004a30b001c0530", joinEUI: "70b3d57ed0000000", appKey: APP_KEY, stackName: "prod" };

function problemsOf(attributes: Record<string, string>): DeviceAttributeErrorName[] {
  try {
    endDeviceSpec("thing-1", attributes, DEFAULTS);
  } catch (error) {
    expect(error).toBeInstanceOf(DeviceAttributeError);
    return [...(error as DeviceAttributeError).problems];
  }
  return [];
}

describe("a thing's device attributes (DESIGN §6)", () => {
  it("make the device to create, with the deployment's defaults, EUIs upper-case, without keys", () => {
    const device = endDeviceSpec("thing-1", VALID, DEFAULTS);
    expect(device).toEqual({
      thingName: "thing-1",
      applicationId: "app-one",
      deviceId: "eui-0004a30b001c0530",
      devEui: "0004A30B001C0530",
      joinEui: "70B3D57ED0000000",
      lorawanVersion: "MAC_V1_0_3",
      lorawanPhyVersion: "PHY_V1_0_3_REV_A",
      frequencyPlanId: "EU_863_870_TTN",
    });
    expect(JSON.stringify(device).toLowerCase()).not.toContain(APP_KEY);
  });

  it("take the thing's own ids, versions, plan, and appEUI for joinEUI", () => {
    const { joinEUI: _, ...withoutJoinEui } = VALID;
    expect(
      endDeviceSpec(
        "thing-1",
        {
          ...withoutJoinEui,
          appEUI: "70B3D57ED0000001",
          deviceID: "sensor-7",
          frequencyPlanID: "US_902_928_FSB_2",
          lorawanVersion: "1.0.2",
          regionalParametersVersion: "1.0.2-b",
        },
        DEFAULTS,
      ),
    ).toMatchObject({
      deviceId: "sensor-7",
      joinEui: "70B3D57ED0000001",
      frequencyPlanId: "US_902_928_FSB_2",
      lorawanVersion: "MAC_V1_0_2",
      lorawanPhyVersion: "PHY_V1_0_2_REV_B",
    });
  });

  it.each<[DeviceAttributeErrorName, Record<string, string>]>([
    ["MissingDevEui", { ...VALID, devEUI: "" }],
    ["InvalidDevEui", { ...VALID, devEUI: "0004A30B001C05" }],
    ["MissingJoinEui", { devEUI: VALID.devEUI, appKey: APP_KEY }],
    ["InvalidJoinEui", { ...VALID, joinEUI: "not-hex-at-all!!" }],
    ["ConflictingJoinEui", { ...VALID, appEUI: "70B3D57ED0000009" }],
    ["MissingAppKey", { devEUI: VALID.devEUI, joinEUI: VALID.joinEUI }],
    ["InvalidAppKey", { ...VALID, appKey: "0011" }],
    ["MissingNwkKey", { ...VALID, lorawanVersion: "1.1", regionalParametersVersion: "1.1-b" }],
    ["InvalidNwkKey", { ...VALID, lorawanVersion: "1.1", regionalParametersVersion: "1.1-a", nwkKey: "zz" }],
    ["UnexpectedNwkKey", { ...VALID, nwkKey: NWK_KEY }],
    ["UnsupportedLorawanVersion", { ...VALID, lorawanVersion: "1.0.4" }],
    ["UnsupportedRegionalParametersVersion", { ...VALID, regionalParametersVersion: "RP002-1.0.3" }],
    ["IncompatibleRegionalParametersVersion", { ...VALID, regionalParametersVersion: "1.1-b" }],
    ["InvalidDeviceId", { ...VALID, deviceID: "Sensor_1" }],
    ["InvalidApplicationId", { ...VALID, applicationID: "App One" }],
    ["UnknownApplication", { ...VALID, applicationID: "someone-elses-app" }],
    ["InvalidFrequencyPlanId", { ...VALID, frequencyPlanID: "EU 868" }],
  ])("%s", (name, attributes) => {
    expect(problemsOf(attributes)).toEqual([name]);
  });

  it("has a test above for every error name", () => {
    expect(DEVICE_ATTRIBUTE_ERROR_NAMES).toHaveLength(17);
  });

  it("names the first problem as the error and lists all of them, never a value", () => {
    const secret = "00112233445566778899AABBCCDDEEF";
    try {
      endDeviceSpec("thing-1", { devEUI: "x", appKey: secret }, DEFAULTS);
      expect.unreachable();
    } catch (error) {
      expect((error as DeviceAttributeError).name).toBe("InvalidDevEui");
      expect((error as DeviceAttributeError).problems).toEqual(["InvalidDevEui", "MissingJoinEui", "InvalidAppKey"]);
      expect((error as Error).message).not.toContain(secret);
      expect((error as Error).message).toContain('thing "thing-1"');
    }
  });

  it("root keys are read again for the Join Server, upper-case, nwkKey for 1.1 only", () => {
    expect(rootKeysOf("t", VALID, "MAC_V1_0_3")).toEqual({ appKey: APP_KEY.toUpperCase() });
    expect(rootKeysOf("t", { ...VALID, nwkKey: NWK_KEY }, "MAC_V1_1")).toEqual({
      appKey: APP_KEY.toUpperCase(),
      nwkKey: NWK_KEY.toUpperCase(),
    });
    expect(() => rootKeysOf("t", { devEUI: VALID.devEUI }, "MAC_V1_0_3")).toThrow(
      expect.objectContaining({ name: "MissingAppKey" }),
    );
  });

  it("a thing with ids and no keys is a device TTS has already", () => {
    expect(isRegisteredInTts({ deviceID: "d1", applicationID: "a1", devEUI: VALID.devEUI })).toBe(true);
    expect(isRegisteredInTts({ deviceID: "d1", applicationID: "a1", appKey: APP_KEY })).toBe(false);
    expect(isRegisteredInTts({ deviceID: "d1" })).toBe(false);
  });
});
