import { describe, expect, it } from "vitest";
import type { EndDeviceSpec } from "../../../functions/core/provisioning/device-attributes.ts";
import {
  CREATED_BY_ATTRIBUTE,
  createdByValue,
  createInIdentityServer,
  deleteFrom,
  getFromIdentityServer,
  identityCreatedBy,
  identityEuis,
  isSameDevice,
  registryOutcome,
  serverAddressOf,
  setInApplicationServer,
  setInJoinServer,
  setInNetworkServer,
  TTS_REGISTRIES,
} from "../../../functions/tts/end-devices.ts";

const device: EndDeviceSpec = {
  thingName: "0004A30B001C0530",
  applicationId: "app-one",
  deviceId: "eui-0004a30b001c0530",
  devEui: "0004A30B001C0530",
  joinEui: "70B3D57ED0000000",
  lorawanVersion: "MAC_V1_0_3",
  lorawanPhyVersion: "PHY_V1_0_3_REV_A",
  frequencyPlanId: "EU_863_870_TTN",
};
const ids = {
  device_id: "eui-0004a30b001c0530",
  application_ids: { application_id: "app-one" },
  dev_eui: "0004A30B001C0530",
  join_eui: "70B3D57ED0000000",
};
const HOST = "eu1.cloud.thethings.network";

describe("TTS end device registry requests (lorawan-stack api/ttn/lorawan/v3/end_device.proto)", () => {
  it("servers' address: the cluster's host", () => {
    expect(serverAddressOf("https://eu1.cloud.thethings.network/")).toBe(HOST);
    expect(serverAddressOf("http://127.0.0.1:1885")).toBe("127.0.0.1:1885");
  });

  it("Identity Server: POST …/applications/{app}/devices with ids, the servers' addresses and who creates it (CreateEndDeviceRequest)", () => {
    expect(createInIdentityServer(device, HOST, "c0ffee")).toEqual({
      method: "POST",
      path: "/api/v3/applications/app-one/devices",
      body: {
        end_device: {
          ids,
          join_server_address: HOST,
          network_server_address: HOST,
          application_server_address: HOST,
          attributes: { "aws-iot-provisioning": "c0ffee" },
        },
      },
    });
    expect(getFromIdentityServer(device)).toEqual({
      method: "GET",
      path: "/api/v3/applications/app-one/devices/eui-0004a30b001c0530?field_mask=ids.dev_eui,ids.join_eui,attributes",
    });
  });

  it("who created a device: a TTS attribute (key ≤ 36 of a-z, 0-9, inner dashes; value ≤ 200) of any execution ARN", () => {
    expect(CREATED_BY_ATTRIBUTE).toMatch(/^[a-z0-9](?:-?[a-z0-9]){2,}$/);
    const arn = `arn:aws:states:eu-west-1:123456789012:express:prod-eu1-provisioning:${"x".repeat(80)}:${"y".repeat(36)}`;
    expect(createdByValue(arn)).toMatch(/^[0-9a-f]{32}$/);
    expect(createdByValue(arn)).toBe(createdByValue(arn));
    expect(createdByValue(`${arn}z`)).not.toBe(createdByValue(arn));
    expect(identityCreatedBy({ ids, attributes: { [CREATED_BY_ATTRIBUTE]: "c0ffee", room: "7" } })).toBe("c0ffee");
    expect(identityCreatedBy({ ids })).toBeUndefined();
    expect(identityCreatedBy(null)).toBeUndefined();
  });

  it("Join Server: PUT …/js/… with the root keys and a field mask naming them (SetEndDeviceRequest)", () => {
    expect(setInJoinServer(device, HOST, { appKey: "AA".repeat(16) })).toEqual({
      method: "PUT",
      path: "/api/v3/js/applications/app-one/devices/eui-0004a30b001c0530",
      body: {
        end_device: {
          ids,
          network_server_address: HOST,
          application_server_address: HOST,
          root_keys: { app_key: { key: "AA".repeat(16) } },
        },
        field_mask: { paths: ["network_server_address", "application_server_address", "root_keys.app_key.key"] },
      },
    });
    const withNwkKey = setInJoinServer(device, HOST, { appKey: "AA".repeat(16), nwkKey: "BB".repeat(16) });
    expect(withNwkKey.body).toMatchObject({
      end_device: { root_keys: { nwk_key: { key: "BB".repeat(16) } } },
      field_mask: { paths: expect.arrayContaining(["root_keys.nwk_key.key"]) },
    });
  });

  it("Network Server: PUT …/ns/… with frequency plan, MAC and PHY versions, supports_join", () => {
    expect(setInNetworkServer(device)).toEqual({
      method: "PUT",
      path: "/api/v3/ns/applications/app-one/devices/eui-0004a30b001c0530",
      body: {
        end_device: {
          ids,
          frequency_plan_id: "EU_863_870_TTN",
          lorawan_version: "MAC_V1_0_3",
          lorawan_phy_version: "PHY_V1_0_3_REV_A",
          supports_join: true,
        },
        field_mask: { paths: ["frequency_plan_id", "lorawan_version", "lorawan_phy_version", "supports_join"] },
      },
    });
  });

  it("Application Server: PUT …/as/… with the ids", () => {
    expect(setInApplicationServer(device)).toEqual({
      method: "PUT",
      path: "/api/v3/as/applications/app-one/devices/eui-0004a30b001c0530",
      body: { end_device: { ids }, field_mask: { paths: ["ids.dev_eui", "ids.join_eui"] } },
    });
  });

  it("deletes each registry's device at its own path, ids URL-encoded", () => {
    expect(TTS_REGISTRIES.map((registry) => deleteFrom(registry, device).path)).toEqual([
      "/api/v3/applications/app-one/devices/eui-0004a30b001c0530",
      "/api/v3/js/applications/app-one/devices/eui-0004a30b001c0530",
      "/api/v3/ns/applications/app-one/devices/eui-0004a30b001c0530",
      "/api/v3/as/applications/app-one/devices/eui-0004a30b001c0530",
    ]);
    expect(deleteFrom("is", { applicationId: "a/b", deviceId: "c?d" }).path).toBe(
      "/api/v3/applications/a%2Fb/devices/c%3Fd",
    );
  });
});

describe("what a registry's answer means", () => {
  const post = createInIdentityServer(device, HOST, "c0ffee");
  const put = setInNetworkServer(device);
  const del = deleteFrom("as", device);
  const answer = (status: number) => ({ reached: true as const, status, ok: status < 300, message: "m" });

  it.each([
    [post, answer(200), "done"],
    [post, answer(409), "exists"],
    [put, answer(409), "rejected"],
    [put, answer(400), "rejected"],
    [put, answer(404), "rejected"],
    [del, answer(404), "done"],
    [put, answer(401), "unauthorized"],
    [put, answer(403), "unauthorized"],
    [put, answer(408), "unavailable"],
    [put, answer(429), "unavailable"],
    [put, answer(503), "unavailable"],
    [put, answer(501), "rejected"],
    [put, { reached: false as const, reason: "no answer", maybeProcessed: true }, "unavailable"],
  ])("%j answered %j: %s", (request, ttsAnswer, kind) => {
    expect(registryOutcome(request, ttsAnswer).kind).toBe(kind);
  });

  it("tells the same device by its EUIs; TTS omits an all-zero JoinEUI", () => {
    expect(
      isSameDevice(identityEuis({ ids: { dev_eui: "0004a30b001c0530", join_eui: "70B3D57ED0000000" } }), device),
    ).toBe(true);
    expect(
      isSameDevice(identityEuis({ ids: { dev_eui: "0004A30B001C0531", join_eui: "70B3D57ED0000000" } }), device),
    ).toBe(false);
    expect(
      isSameDevice(identityEuis({ ids: { dev_eui: "0004A30B001C0530" } }), { ...device, joinEui: "0000000000000000" }),
    ).toBe(true);
    expect(isSameDevice(identityEuis("not a device"), device)).toBe(false);
  });
});
