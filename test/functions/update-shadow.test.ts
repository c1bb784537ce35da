import {
  IoTDataPlaneClient,
  RequestEntityTooLargeException,
  UpdateThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
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
/** As the workflow hands it over: the message as the rule delivered it, base64. */
const input = (message: Record<string, unknown>) => ({
  thingName: "0004A30B001C0530",
  payload: Buffer.from(JSON.stringify(message)).toString("base64"),
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

  // The Device Shadow service refuses null inside arrays, and states over 8 KB after the merge
  // (AWS IoT Core endpoints and quotas, "Device Shadow service"): the function never sends either.
  it("drops null members of arrays a decoder emits (AWS refuses them)", async () => {
    dataMock.on(UpdateThingShadowCommand).resolves({ payload: jsonBlob({ version: 2 }) });
    const uplink = fixture("uplink");
    uplink["uplink_message"].decoded_payload = { temps: [12.5, null, 13], nested: { list: [null] } };
    await handlerWith({ SHADOW_DECODED_PAYLOAD: "on" })(input(uplink));
    const call = dataMock.commandCalls(UpdateThingShadowCommand)[0]!.args[0].input;
    const document = JSON.parse(Buffer.from(call.payload as Uint8Array).toString("utf8"));
    expect(document.state.reported.payload).toEqual({ temps: [12.5, 13], nested: { list: [] } });
  });

  it("updates again without the decoded payload (clearing the old one) when the shadow would pass 8 KB", async () => {
    dataMock
      .on(UpdateThingShadowCommand)
      .rejectsOnce(
        new RequestEntityTooLargeException({ message: "The payload exceeds the maximum size", $metadata: {} }),
      )
      .resolves({ payload: jsonBlob({ version: 3 }) });
    const result = await handlerWith({ SHADOW_DECODED_PAYLOAD: "on" })(input(fixture("uplink")));
    const calls = dataMock
      .commandCalls(UpdateThingShadowCommand)
      .map((call) => JSON.parse(Buffer.from(call.args[0].input.payload as Uint8Array).toString("utf8")));
    expect(calls).toHaveLength(2);
    expect(calls[0].state.reported.payload).toBeDefined();
    expect(calls[1].state.reported.payload).toBeNull();
    expect(calls[1].state.reported.rssi).toBe(-35);
    expect(result).toMatchObject({ updated: true, version: 3, warnings: [expect.stringMatching(/^payload_dropped/)] });
    expect(result).not.toHaveProperty("reported.payload");
  });

  it("fails as before when the shadow is too large without any payload to drop", async () => {
    dataMock
      .on(UpdateThingShadowCommand)
      .rejects(new RequestEntityTooLargeException({ message: "too large", $metadata: {} }));
    await expect(handlerWith()(input(fixture("uplink")))).rejects.toMatchObject({
      name: "RequestEntityTooLargeException",
    });
    expect(dataMock.commandCalls(UpdateThingShadowCommand)).toHaveLength(1);
  });

  it("rejects a bad thing name as InvalidStepInput", async () => {
    await expect(handlerWith()({ ...input(fixture("uplink")), thingName: "a/b" })).rejects.toMatchObject({
      name: "InvalidStepInput",
    });
  });
});
