import { IoTDataPlaneClient, PublishCommand } from "@aws-sdk/client-iot-data-plane";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { contextFromEnvironment, createRepublishHandler } from "../../functions/republish/handler.ts";
import { fixtureBytes } from "../support/fixtures.ts";

const dataMock = mockClient(IoTDataPlaneClient);
afterAll(() => dataMock.restore());
const handler = createRepublishHandler(() => ({ iotData: new IoTDataPlaneClient({ region: "us-east-1" }) }));

beforeEach(() => dataMock.reset());

describe("republish", () => {
  it("publishes the TTS bytes unchanged on the thing's topic", async () => {
    dataMock.on(PublishCommand).resolves({});
    const bytes = fixtureBytes("uplink");

    const result = await handler({ topic: "lorawan/0004A30B001C0530/uplink", payload: bytes.toString("base64") });

    expect(result).toEqual({ topic: "lorawan/0004A30B001C0530/uplink", bytes: bytes.length });
    const call = dataMock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(call.topic).toBe("lorawan/0004A30B001C0530/uplink");
    expect(call.qos).toBe(1);
    expect(Buffer.from(call.payload as Uint8Array).equals(bytes)).toBe(true);
  });

  it.each(["lorawan/#", "lorawan/+/uplink", "thethings/lorawan/x/uplink", "", `lorawan/${"x".repeat(249)}/uplink`])(
    "never publishes to %j",
    async (topic) => {
      await expect(handler({ topic, payload: "e30=" })).rejects.toMatchObject({ name: "InvalidStepInput" });
      expect(dataMock.calls()).toHaveLength(0);
    },
  );

  it("retries a data plane that is down as TransientAwsError", async () => {
    dataMock.on(PublishCommand).rejects(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    await expect(handler({ topic: "lorawan/T/uplink", payload: "e30=" })).rejects.toMatchObject({
      name: "TransientAwsError",
    });
  });

  it("publishes to the account's endpoint its IOT_DATA_ENDPOINT setting names, over the SDK's", async () => {
    const { iotData } = contextFromEnvironment({
      AWS_REGION: "eu-west-1",
      AWS_ENDPOINT_URL_IOT_DATA_PLANE: "http://127.0.0.1:4566",
      IOT_DATA_ENDPOINT: "abc123-ats.iot.eu-west-1.amazonaws.com",
    });
    const endpoint = await iotData.config.endpoint?.();
    expect(endpoint?.hostname).toBe("abc123-ats.iot.eu-west-1.amazonaws.com");
    expect(endpoint?.protocol).toBe("https:");
  });
});
