/**
 * The provisioning ASL — the document that deploys — run by aws-local-stepfunctions, every Task
 * calling the real handler in process, IoT and Secrets Manager mocked, TTS's four registries faked
 * in memory: the saga, its rollback at each registry, idempotence, and that no key is in any event.
 */
import { DescribeThingCommand, IoTClient, ResourceNotFoundException, UpdateThingCommand } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient, PublishCommand } from "@aws-sdk/client-iot-data-plane";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { StateMachine } from "aws-local-stepfunctions";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createProvisioningFeedbackHandler } from "../../functions/provisioning-feedback/handler.ts";
import { createRecordProvisioningHandler } from "../../functions/record-provisioning/handler.ts";
import { createRegisterEndDeviceHandler } from "../../functions/register-end-device/handler.ts";
import { createRegisterRootKeysHandler } from "../../functions/register-root-keys/handler.ts";
import { loadSettings } from "../../functions/settings.ts";
import { ApiKeys } from "../../functions/tts/api-keys.ts";
import type { TtsRegistry } from "../../functions/tts/end-devices.ts";
import { createValidateDeviceThingHandler } from "../../functions/validate-device-thing/handler.ts";
import { type LocalHandlers, localFunctionArn, taskOverrides } from "../../local/workflows/task-overrides.ts";
import { allStates } from "../../workflows/asl.ts";
import { provisioningWorkflow } from "../../workflows/provisioning-workflow.ts";
import { fakeTtsRegistries } from "../support/fake-tts-registries.ts";

const APP_KEY = "00112233445566778899AABBCCDDEEFF";
const NWK_KEY = "FFEEDDCCBBAA99887766554433221100";
const API_KEY = "NNSXS.TEST-API-KEY";
const THING = "0004A30B001C0530";
const DEVICE_ID = "eui-0004a30b001c0530";

const iotMock = mockClient(IoTClient);
const dataMock = mockClient(IoTDataPlaneClient);
const secretsMock = mockClient(SecretsManagerClient);
afterAll(() => {
  iotMock.restore();
  dataMock.restore();
  secretsMock.restore();
});

const definition = provisioningWorkflow(localFunctionArn);
const machine = new StateMachine(definition as never);
const taskNames = allStates(definition)
  .filter(({ state }) => state.Type === "Task")
  .map(({ name }) => name);

let tts: ReturnType<typeof fakeTtsRegistries>;
/** Every event of every execution of this file: no key may be in any of them. */
const allEventText: string[] = [];

function handlers(): LocalHandlers {
  const iot = new IoTClient({ region: "eu-west-1" });
  const iotData = new IoTDataPlaneClient({ region: "eu-west-1" });
  const apiKeys = new ApiKeys({
    client: new SecretsManagerClient({ region: "eu-west-1" }),
    secretId: "s",
    ttlSeconds: 60,
  });
  const ttsEnv = { TTS_URL: "https://tts.example.com", TTS_API_KEY_SECRET_ARN: "s" };
  const ttsContext = <F extends "register-end-device" | "register-root-keys">(name: F) => ({
    config: loadSettings(name, ttsEnv),
    apiKeys,
    transport: tts.fetchImpl,
  });
  return {
    "validate-device-thing": createValidateDeviceThingHandler(() => ({
      iot,
      stackName: "prod",
      thingTypeName: "lorawan",
      defaults: {
        applicationId: "app-one",
        applicationIds: ["app-one"],
        frequencyPlanId: "EU_863_870_TTN",
        lorawanVersion: "1.0.3",
        regionalParametersVersion: "1.0.3-a",
      },
    })) as never,
    "register-end-device": createRegisterEndDeviceHandler(() => ttsContext("register-end-device")) as never,
    "register-root-keys": createRegisterRootKeysHandler(() => ({ ...ttsContext("register-root-keys"), iot })) as never,
    "record-provisioning": createRecordProvisioningHandler(() => ({ iot })) as never,
    "provisioning-feedback": createProvisioningFeedbackHandler(() => ({ iotData })) as never,
  };
}

let executions = 0;

async function run(input: object) {
  executions += 1;
  const execution = machine.run(input as never, {
    // Each execution its own ARN, as CreateInIS writes it on the device it creates.
    context: {
      Execution: {
        Id: `arn:aws:states:eu-west-1:123456789012:express:prod-provisioning:test-${executions}:${executions}`,
      },
    } as never,
    overrides: {
      taskResourceLocalHandlers: taskOverrides(definition, { handlers: handlers() }) as never,
      retryIntervalOverrides: Object.fromEntries(taskNames.map((name) => [name, 0])),
    },
  });
  const events: unknown[] = [];
  const collected = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  try {
    const output = (await execution.result) as Record<string, unknown>;
    return { output, error: undefined, events };
  } catch (error) {
    return { output: undefined, error: (error as Error & { cause: Error }).cause, events };
  } finally {
    await collected;
    allEventText.push(JSON.stringify(events));
  }
}

const created = () => run({ operation: "CREATED", thingName: THING, timestamp: 1 });

function thingWith(attributes: Record<string, string>, thingTypeName = "lorawan") {
  iotMock.on(DescribeThingCommand).resolves({ thingName: THING, thingTypeName, attributes });
}

const KEYED = { devEUI: THING, joinEUI: "70B3D57ED0000000", appKey: APP_KEY, stackName: "prod" };

function feedback(): { topic: string; message: Record<string, unknown> }[] {
  return dataMock.commandCalls(PublishCommand).map((call) => ({
    topic: call.args[0].input.topic ?? "",
    message: JSON.parse(new TextDecoder().decode(call.args[0].input.payload as Uint8Array)),
  }));
}

const registryCalls = () => tts.calls.map(({ method, registry }) => `${method} ${registry}`);

beforeEach(() => {
  tts = fakeTtsRegistries();
  iotMock.reset();
  dataMock.reset();
  secretsMock.reset();
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ "app-one": API_KEY }) });
  dataMock.on(PublishCommand).resolves({});
  iotMock.on(UpdateThingCommand).resolves({});
  thingWith(KEYED);
});

describe("provisioning workflow: a created thing", () => {
  it("creates the device in IS, JS, NS and AS, records it on the thing without its keys, and says so", async () => {
    const { output, error } = await created();
    expect(error).toBeUndefined();
    expect(output).toEqual({
      thingName: THING,
      provisioned: true,
      applicationId: "app-one",
      deviceId: DEVICE_ID,
      newInTts: true,
    });
    expect(registryCalls()).toEqual(["POST is", "PUT js", "PUT ns", "PUT as"]);
    expect(tts.holding(DEVICE_ID)).toEqual(["is", "js", "ns", "as"]);
    const js = tts.calls.find(({ registry }) => registry === "js")?.body;
    expect(js).toMatchObject({ end_device: { root_keys: { app_key: { key: APP_KEY } } } });
    expect(iotMock.commandCalls(UpdateThingCommand).map((call) => call.args[0].input)).toEqual([
      {
        thingName: THING,
        removeThingType: false,
        attributePayload: {
          attributes: { deviceID: DEVICE_ID, applicationID: "app-one", appKey: "", nwkKey: "" },
          merge: true,
        },
      },
    ]);
    expect(feedback()).toEqual([
      {
        topic: `lorawan/${THING}/provisioning/created`,
        message: {
          thingName: THING,
          device: expect.objectContaining({ applicationId: "app-one", deviceId: DEVICE_ID, devEui: THING }),
          newInTts: true,
          time: expect.any(String),
        },
      },
    ]);
  });

  it("hands a LoRaWAN 1.1 device's nwkKey to the Join Server too", async () => {
    thingWith({ ...KEYED, lorawanVersion: "1.1", regionalParametersVersion: "1.1-b", nwkKey: NWK_KEY });
    const { error } = await created();
    expect(error).toBeUndefined();
    expect(tts.calls.find(({ registry }) => registry === "js")?.body).toMatchObject({
      end_device: { root_keys: { app_key: { key: APP_KEY }, nwk_key: { key: NWK_KEY } } },
      field_mask: { paths: expect.arrayContaining(["root_keys.nwk_key.key"]) },
    });
    expect(tts.calls.find(({ registry }) => registry === "ns")?.body).toMatchObject({
      end_device: { lorawan_version: "MAC_V1_1", lorawan_phy_version: "PHY_V1_1_REV_B" },
    });
  });

  it.each<[TtsRegistry, string, TtsRegistry[]]>([
    ["js", "PUT", ["js", "is"]],
    ["ns", "PUT", ["ns", "js", "is"]],
    ["as", "PUT", ["as", "ns", "js", "is"]],
  ])(
    "a refusal by %s rolls back what was created, in reverse order, and fails with the cause",
    async (registry, method, undone) => {
      tts.fail(registry, method, 400);
      const { error } = await created();
      expect(error?.name).toBe("TtsRejected");
      expect(tts.holding(DEVICE_ID)).toEqual([]);
      const deletes = tts.calls.filter((call) => call.method === "DELETE").map((call) => call.registry);
      expect(deletes).toEqual(undone);
      expect(iotMock.commandCalls(UpdateThingCommand)).toEqual([]);
      const [failed] = feedback();
      expect(failed?.topic).toBe(`lorawan/${THING}/provisioning/failed`);
      expect(failed?.message).toMatchObject({
        thingName: THING,
        error: { name: "TtsRejected", message: expect.stringContaining("TTS answered 400") },
        rolledBack: undone,
        rollbackFailed: [],
      });
    },
  );

  it("a refusal by the Identity Server (403, the key's rights) creates nothing and rolls nothing back", async () => {
    tts.fail("is", "POST", 403);
    const { error } = await created();
    expect(error?.name).toBe("TtsUnauthorized");
    expect(registryCalls()).toEqual(["POST is"]);
    expect(feedback()[0]?.message).toMatchObject({ error: { name: "TtsUnauthorized" }, rolledBack: [] });
  });

  it("a thing deleted before RecordOnThing rolls back all four registries", async () => {
    iotMock.on(UpdateThingCommand).rejects(new ResourceNotFoundException({ message: "gone", $metadata: {} }));
    const { error } = await created();
    expect(error?.name).toBe("ResourceNotFoundException");
    expect(tts.holding(DEVICE_ID)).toEqual([]);
    expect(feedback()[0]?.message).toMatchObject({ rolledBack: ["as", "ns", "js", "is"] });
  });

  it("a rollback delete that fails is reported, and the other deletes still run", async () => {
    tts.fail("as", "PUT", 400);
    tts.fail("ns", "DELETE", 403);
    const { error } = await created();
    expect(error?.name).toBe("TtsRejected");
    expect(tts.holding(DEVICE_ID)).toEqual(["ns"]);
    expect(feedback()[0]?.message).toMatchObject({
      rolledBack: ["as", "js", "is"],
      rollbackFailed: [{ registry: "ns", error: "TtsUnauthorized", message: expect.stringContaining("403") }],
    });
  });

  it("retries TTS's transient failures (503) with backoff and succeeds", async () => {
    tts.fail("ns", "PUT", 503, 2);
    const { error } = await created();
    expect(error).toBeUndefined();
    expect(registryCalls()).toEqual(["POST is", "PUT js", "PUT ns", "PUT ns", "PUT ns", "PUT as"]);
  });

  it("a repeated created event for the same device succeeds without creating it twice, and rolls back nothing of it", async () => {
    await created();
    tts.calls.length = 0;
    const again = await created();
    expect(again.error).toBeUndefined();
    expect(again.output).toMatchObject({ provisioned: true, newInTts: false });
    expect(registryCalls()).toEqual(["POST is", "GET is", "PUT js", "PUT ns", "PUT as"]);

    tts.fail("as", "PUT", 400);
    const failing = await created();
    expect(failing.error?.name).toBe("TtsRejected");
    // Not this execution's device: nothing deleted.
    expect(tts.holding(DEVICE_ID)).toEqual(["is", "js", "ns", "as"]);
  });

  it("a repeated created event whose twin execution recorded the device first still succeeds (keys already gone)", async () => {
    // Validation reads the thing with its keys; by CreateInJS the twin execution has recorded it, keys removed.
    const recorded = { ...KEYED, appKey: "", deviceID: DEVICE_ID, applicationID: "app-one" };
    iotMock
      .on(DescribeThingCommand)
      .resolvesOnce({ thingName: THING, thingTypeName: "lorawan", attributes: KEYED })
      .resolves({ thingName: THING, thingTypeName: "lorawan", attributes: recorded });
    const { output, error } = await created();
    expect(error).toBeUndefined();
    expect(output).toMatchObject({ provisioned: true });
    expect(registryCalls()).toEqual(["POST is", "PUT ns", "PUT as"]);
    expect(feedback().map(({ topic }) => topic)).toEqual([`lorawan/${THING}/provisioning/created`]);
  });

  it("keys gone from a thing recorded as another device are still MissingAppKey", async () => {
    const other = { ...KEYED, appKey: "", deviceID: "another-device", applicationID: "app-one" };
    iotMock
      .on(DescribeThingCommand)
      .resolvesOnce({ thingName: THING, thingTypeName: "lorawan", attributes: KEYED })
      .resolves({ thingName: THING, thingTypeName: "lorawan", attributes: other });
    const { error } = await created();
    expect(error?.name).toBe("MissingAppKey");
    expect(tts.holding(DEVICE_ID)).toEqual([]);
  });

  it("another device of the same id in TTS is a TtsDeviceConflict, and it is left alone", async () => {
    tts.devices.is.set(DEVICE_ID, { ids: { dev_eui: "0004A30B00000001", join_eui: "70B3D57ED0000000" } });
    const { error } = await created();
    expect(error?.name).toBe("TtsDeviceConflict");
    expect(registryCalls()).toEqual(["POST is", "GET is"]);
    expect(tts.devices.is.has(DEVICE_ID)).toBe(true);
  });

  it("EUIs another device of another id holds (409, then no device of this id) are a TtsDeviceConflict", async () => {
    tts.fail("is", "POST", 409);
    const { error } = await created();
    expect(error?.name).toBe("TtsDeviceConflict");
    expect(error?.message).toContain("another device with these EUIs");
    expect(registryCalls()).toEqual(["POST is", "GET is"]);
  });

  it("invalid attributes fail validation with the problem's name, before any TTS call", async () => {
    thingWith({ devEUI: THING, joinEUI: "70B3D57ED0000000", stackName: "prod", appKey: "short" });
    const { error } = await created();
    expect(error?.name).toBe("InvalidAppKey");
    expect(tts.calls).toEqual([]);
    expect(feedback()[0]?.message).toMatchObject({
      device: null,
      error: { name: "InvalidAppKey", message: expect.stringContaining("appKey must be 32 hexadecimal digits") },
    });
    expect(JSON.stringify(feedback())).not.toContain('"short"');
  });

  it.each([
    [
      "a device TTS has already (ids set, no keys)",
      { devEUI: THING, stackName: "prod", deviceID: "d1", applicationID: "app-one" },
      "lorawan",
    ],
    ["another deployment's thing", { ...KEYED, stackName: "other" }, "lorawan"],
    ["a thing of another type", KEYED, "sensor"],
  ])("skips %s quietly", async (_, attributes, type) => {
    thingWith(attributes, type);
    const { output, error } = await created();
    expect(error).toBeUndefined();
    expect(output).toMatchObject({ provisioned: false, reason: expect.any(String) });
    expect(tts.calls).toEqual([]);
    expect(feedback()).toEqual([]);
  });
});

describe("provisioning workflow: a deleted thing (deleteInTts)", () => {
  const deleted = (ids: Record<string, string>) =>
    run({ operation: "DELETED", thingName: THING, timestamp: 1, ...ids });

  it("deletes the device from AS, NS, JS and IS; a registry without it is fine", async () => {
    await created();
    tts.devices.js.delete(DEVICE_ID);
    tts.calls.length = 0;
    dataMock.resetHistory();
    const { output, error } = await deleted({ deviceID: DEVICE_ID, applicationID: "app-one" });
    expect(error).toBeUndefined();
    expect(output).toMatchObject({ deleted: true });
    expect(registryCalls()).toEqual(["DELETE as", "DELETE ns", "DELETE js", "DELETE is"]);
    expect(tts.holding(DEVICE_ID)).toEqual([]);
    expect(feedback()).toEqual([
      {
        topic: `lorawan/${THING}/provisioning/deleted`,
        message: {
          thingName: THING,
          device: { applicationId: "app-one", deviceId: DEVICE_ID },
          time: expect.any(String),
        },
      },
    ]);
  });

  it("does nothing for a thing that never had a device recorded", async () => {
    const { output } = await deleted({});
    expect(output).toEqual({ thingName: THING, deleted: false });
    expect(tts.calls).toEqual([]);
  });
});

describe("provisioning workflow: secrets", () => {
  it("no root key is in any event of any execution above (input, state, output, errors)", () => {
    expect(allEventText.length).toBeGreaterThan(10);
    // The events do carry the states' data: the device is in them, its keys are not.
    expect(allEventText.join("")).toContain(`"deviceId":"${DEVICE_ID}"`);
    for (const text of allEventText) {
      expect(text).not.toContain(APP_KEY);
      expect(text).not.toContain(NWK_KEY);
      expect(text).not.toContain(API_KEY);
    }
  });
});
