import { IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { loadSettings } from "../../functions/settings.ts";
import { createUpdateShadowHandler } from "../../functions/update-shadow/handler.ts";
import { fixture } from "../support/fixtures.ts";
import { jsonBlob } from "../support/sdk-blobs.ts";

const dataMock = mockClient(IoTDataPlaneClient);
afterAll(() => dataMock.restore());
const handlerWith = (env: Record<string, string> = {}) =>
  createUpdateShadowHandler(() => ({
    config: loadSettings("update-shadow", env),
    iotData: new IoTDataPlaneClient({ region: "us-east-1" }),
  }));
const input = (message: Record<string, unknown>) => ({
  thingName: "0004A30B001C0530",
  message,
  receivedAt: "2026-01-01T00:00:00Z",
});

beforeEach(() => dataMock.reset());

describe("update-shadow", () => {
  it("merges the uplink's report into the lorawan named shadow", async () => {
    dataMock.on(UpdateThingShadowCommand).resolves({ payload: jsonBlob({ version: 7 }) });

    const result = await handlerWith()(input(fixture("uplink")));

    expect(result).toMatchObject({ updated: true, version: 7 });
    const call = dataMock.commandCalls(UpdateThingShadowCommand)[0]!.args[0].input;
    expect(call.thingName).toBe("0004A30B001C0530");
    expect(call.shadowName).toBe("lorawan");
    const document = JSON.parse(Buffer.from(call.payload as Uint8Array).toString("utf8"));
    expect(document.state.reported).toMatchObject({
      lastSeen: "2020-02-12T15:15:46.014773143Z",
      rssi: -35,
      snr: 5,
      gateways: 1,
      gatewayIds: ["gtw1"],
      fCntUp: 1,
    });
    expect(Object.keys(document.state)).toEqual(["reported"]);
  });

  it("makes no call when shadow metrics are off", async () => {
    const result = await handlerWith({ SHADOW_METRICS: "off" })(input(fixture("uplink")));
    expect(result).toEqual({ updated: false, reason: "shadow metrics are off" });
    expect(dataMock.calls()).toHaveLength(0);
  });

  it("makes no call for an event that tells nothing new", async () => {
    const result = await handlerWith()(input(fixture("downlink-ack")));
    expect(result).toEqual({ updated: false, reason: "nothing to report" });
    expect(dataMock.calls()).toHaveLength(0);
  });

  it("includes the decoded payload when configured", async () => {
    dataMock.on(UpdateThingShadowCommand).resolves({});
    await handlerWith({ SHADOW_DECODED_PAYLOAD: "on" })(input(fixture("uplink")));
    const call = dataMock.commandCalls(UpdateThingShadowCommand)[0]!.args[0].input;
    expect(JSON.parse(Buffer.from(call.payload as Uint8Array).toString()).state.reported.payload).toEqual({
      temperature: 1,
      luminosity: 0.64,
    });
  });

  it("retries a throttled shadow service as TransientAwsError", async () => {
    dataMock
      .on(UpdateThingShadowCommand)
      .rejects(
        Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 429 } }),
      );
    await expect(handlerWith()(input(fixture("uplink")))).rejects.toMatchObject({ name: "TransientAwsError" });
  });

  it("rejects a bad thing name as InvalidStepInput", async () => {
    await expect(handlerWith()({ ...input(fixture("uplink")), thingName: "a/b" })).rejects.toMatchObject({
      name: "InvalidStepInput",
    });
  });
});
