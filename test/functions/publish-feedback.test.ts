import { IoTDataPlaneClient, PublishCommand } from "@aws-sdk/client-iot-data-plane";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createPublishFeedbackHandler } from "../../functions/publish-feedback/handler.ts";
import { createValidateDownlinkHandler } from "../../functions/validate-downlink/handler.ts";
import { ruleEvent } from "../support/rule-events.ts";

const dataMock = mockClient(IoTDataPlaneClient);
afterAll(() => dataMock.restore());
const publishFeedback = createPublishFeedbackHandler(() => ({
  iotData: new IoTDataPlaneClient({ region: "us-east-1" }),
}));
const validate = createValidateDownlinkHandler();

async function validation(body: unknown) {
  return validate({
    event: ruleEvent(typeof body === "string" ? body : JSON.stringify(body), "lorawan/downlink"),
    executionName: "downlink-request-1",
  });
}

/** The step's input as the workflow builds it: the whole state and the execution's name. */
const state = (workflowState: Parameters<typeof publishFeedback>[0]["state"]) => ({
  executionName: "downlink-request-1",
  state: workflowState,
});

function published() {
  const call = dataMock.commandCalls(PublishCommand)[0]!.args[0].input;
  return { topic: call.topic, message: JSON.parse(Buffer.from(call.payload as Uint8Array).toString()) };
}

beforeEach(() => {
  dataMock.reset();
  dataMock.on(PublishCommand).resolves({});
});

describe("validate-downlink", () => {
  it("returns a valid request with our correlation id and the application's", async () => {
    expect(await validation({ thingName: "T1", bytes: "AQ==", correlationId: "order-7" })).toMatchObject({
      valid: true,
      failure: null,
      request: {
        thingName: "T1",
        fPort: 1,
        confirmed: false,
        priority: "NORMAL",
        replace: false,
        content: { kind: "bytes", frmPayload: "AQ==" },
      },
      correlationIds: ["tts-aws-iot:downlink:downlink-request-1", "order-7"],
    });
  });

  it("returns a refused request as a result with its code, not as an error", async () => {
    expect(await validation({ thingName: "T1", bytes: "AQ==", fport: 2 })).toMatchObject({
      valid: false,
      request: null,
      failure: { code: "unknown_field", thingName: "T1" },
    });
  });
});

describe("publish-feedback", () => {
  it("answers an invalid request without a usable thing on lorawan/downlink/failed", async () => {
    const result = await publishFeedback(
      state({ validation: await validation("{oops"), failed: (await validation("{oops")).failure }),
    );
    expect(result).toMatchObject({ topic: "lorawan/downlink/failed", error: "invalid_json" });
    const { topic, message } = published();
    expect(topic).toBe("lorawan/downlink/failed");
    expect(message.downlink_failed.error).toMatchObject({ namespace: "tts-aws-iot", name: "invalid_json", code: 3 });
    expect(message.correlation_ids).toEqual(["tts-aws-iot:downlink:downlink-request-1"]);
  });

  it("turns a caught Iot.ResourceNotFoundException into thing_not_found on the thing's topic", async () => {
    const result = await publishFeedback(
      state({
        validation: await validation({ thingName: "GHOST", bytes: "AQ==" }),
        failed: {
          Error: "Iot.ResourceNotFoundException",
          Cause: "Thing GHOST cannot be found. (Service: Iot, Status Code: 404)",
        },
      }),
    );
    expect(result).toEqual({
      topic: "lorawan/GHOST/downlink/failed",
      error: "thing_not_found",
      message: 'no thing named "GHOST" exists',
    });
    expect(published().message.downlink_failed.downlink).toMatchObject({
      f_port: 1,
      frm_payload: "AQ==",
      priority: "NORMAL",
    });
  });

  it("turns TtsUnavailable after the retries into tts_unavailable, with the device's ids", async () => {
    await publishFeedback(
      state({
        validation: await validation({ thingName: "0004A30B001C0530", bytes: "AQ==" }),
        thing: {
          ThingName: "0004A30B001C0530",
          Attributes: { deviceID: "dev1", applicationID: "app1", devEUI: "0004A30B001C0530", stackName: "s" },
        },
        failed: {
          Error: "TtsUnavailable",
          Cause: JSON.stringify({ errorType: "TtsUnavailable", errorMessage: "TTS answered 503: busy" }),
        },
      }),
    );
    const { topic, message } = published();
    expect(topic).toBe("lorawan/0004A30B001C0530/downlink/failed");
    expect(message.end_device_ids).toEqual({
      device_id: "dev1",
      application_ids: { application_id: "app1" },
      dev_eui: "0004A30B001C0530",
    });
    expect(message.downlink_failed.error).toMatchObject({
      name: "tts_unavailable",
      message_format: "TTS answered 503: busy (still failing after the retries)",
      code: 14,
    });
  });

  it("still answers when the Validate step itself failed (no validation in the state)", async () => {
    const result = await publishFeedback(
      state({ failed: { Error: "Lambda.Unknown", Cause: "The Lambda runtime crashed" } }),
    );
    expect(result).toEqual({
      topic: "lorawan/downlink/failed",
      error: "internal_error",
      message: "Lambda.Unknown: The Lambda runtime crashed",
    });
    expect(published().message.correlation_ids).toEqual(["tts-aws-iot:downlink:downlink-request-1"]);
  });

  it("reports anything unexpected as internal_error with its name and message", async () => {
    const result = await publishFeedback(
      state({
        validation: await validation({ thingName: "T1", bytes: "AQ==" }),
        failed: { Error: "States.Timeout", Cause: "Task timed out" },
      }),
    );
    expect(result).toMatchObject({ error: "internal_error", message: "States.Timeout: Task timed out" });
  });
});
