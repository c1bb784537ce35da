/**
 * The upstream ASL — the same document that deploys — run by aws-local-stepfunctions, each Task
 * calling the real handler in process with the AWS SDK mocked.
 */
import { CreateThingCommand, DescribeThingCommand, IoTClient, ResourceNotFoundException } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient, PublishCommand, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { StateMachine } from "aws-local-stepfunctions";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { payloadBytes } from "../../functions/core/step-functions-limits.ts";
import { createKnownThings } from "../../functions/ensure-thing/ensure-thing.ts";
import { createEnsureThingHandler } from "../../functions/ensure-thing/handler.ts";
import { MAX_UPSTREAM_EVENT_BYTES, UPSTREAM_HEADROOM_BYTES } from "../../functions/ensure-thing/upstream-budget.ts";
import { createRepublishHandler } from "../../functions/republish/handler.ts";
import { loadSettings } from "../../functions/settings.ts";
import { createUpdateShadowHandler } from "../../functions/update-shadow/handler.ts";
import { uplinkOfSize } from "../../local/harness/large-uplink.ts";
import { runWithinDataLimits } from "../../local/workflows/data-limit.ts";
import { type LocalHandlers, localFunctionArn, taskOverrides } from "../../local/workflows/task-overrides.ts";
import { upstreamWorkflow } from "../../workflows/upstream-workflow.ts";
import { fixture, fixtureBytes } from "../support/fixtures.ts";
import { ruleEventOfSize, upstreamEvent } from "../support/rule-events.ts";
import { jsonBlob } from "../support/sdk-blobs.ts";

type EventLog = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

const iotMock = mockClient(IoTClient);
const dataMock = mockClient(IoTDataPlaneClient);
afterAll(() => {
  iotMock.restore();
  dataMock.restore();
});
const definition = upstreamWorkflow(localFunctionArn);
const machine = new StateMachine(definition as never);

function newHandlers(ensureThingEnv: Record<string, string> = {}): LocalHandlers {
  const iot = new IoTClient({ region: "us-east-1" });
  const iotData = new IoTDataPlaneClient({ region: "us-east-1" });
  const config = loadSettings("ensure-thing", { STACK_NAME: "test-stack", ...ensureThingEnv });
  const knownThings = createKnownThings({ maxEntries: 100, ttlSeconds: 60 });
  return {
    "ensure-thing": createEnsureThingHandler(() => ({ config, iot, thingTypeName: "lorawan", knownThings })) as never,
    "update-shadow": createUpdateShadowHandler(() => ({ config: loadSettings("update-shadow", {}), iotData })) as never,
    republish: createRepublishHandler(() => ({ iotData })) as never,
  };
}

/** Runs the workflow as the local runner does: within Step Functions' payload limit. */
async function run(input: object, handlers: LocalHandlers) {
  const { execution, size } = runWithinDataLimits(machine, definition, input, {
    overrides: {
      taskResourceLocalHandlers: taskOverrides(definition, { handlers }) as never,
      // Same Retry policy, no real waiting in tests.
      retryIntervalOverrides: { EnsureThing: 0, UpdateShadow: 0, Republish: 0 },
    },
  });
  const events: EventLog[] = [];
  const collected = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  try {
    return { output: (await execution.result) as Record<string, unknown>, events, size };
  } catch (error) {
    return { error: (error as Error & { cause: Error }).cause, events, size };
  } finally {
    await collected;
  }
}

const sdkCalls = () =>
  [...iotMock.calls(), ...dataMock.calls()].map((call) => (call.args[0] as object).constructor.name);

beforeEach(() => {
  iotMock.reset();
  dataMock.reset();
  dataMock.on(UpdateThingShadowCommand).resolves({ payload: jsonBlob({ version: 1 }) });
  dataMock.on(PublishCommand).resolves({});
});

describe("upstream workflow", () => {
  it("creates the thing, updates the shadow and republishes a device's first uplink", async () => {
    iotMock
      .on(DescribeThingCommand)
      .rejects(new ResourceNotFoundException({ message: "no such thing", $metadata: {} }));
    iotMock.on(CreateThingCommand).resolves({});

    const { output } = await run(upstreamEvent(fixtureBytes("uplink")), newHandlers());

    expect(output).toEqual({
      thingName: "0004A30B001C0530",
      event: "uplink",
      thing: "created",
      shadow: expect.objectContaining({ updated: true, version: 1 }),
      republishedTo: "lorawan/0004A30B001C0530/uplink",
    });
    const published = dataMock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(Buffer.from(published.payload as Uint8Array).equals(fixtureBytes("uplink"))).toBe(true);
    expect(sdkCalls().sort()).toEqual([
      "CreateThingCommand",
      "DescribeThingCommand",
      "PublishCommand",
      "UpdateThingShadowCommand",
    ]);
  });

  it("costs two data-plane calls per uplink of a known device in a warm container", async () => {
    iotMock.on(DescribeThingCommand).resolves({ attributes: { stackName: "test-stack" } });
    const handlers = newHandlers();
    await run(upstreamEvent(fixtureBytes("uplink")), handlers);
    iotMock.resetHistory();
    dataMock.resetHistory();

    const { output } = await run(upstreamEvent(fixtureBytes("uplink")), handlers);

    expect(output).toMatchObject({ thing: "cached" });
    expect(sdkCalls().sort()).toEqual(["PublishCommand", "UpdateThingShadowCommand"]);
  });

  it("retries a throttled shadow update and then succeeds, republishing once", async () => {
    iotMock.on(DescribeThingCommand).resolves({ attributes: { stackName: "test-stack" } });
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 429 },
    });
    dataMock
      .on(UpdateThingShadowCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolves({ payload: jsonBlob({ version: 9 }) });

    const { output, events } = await run(upstreamEvent(fixtureBytes("uplink")), newHandlers());

    expect(output).toMatchObject({ shadow: { updated: true, version: 9 } });
    expect(dataMock.commandCalls(UpdateThingShadowCommand)).toHaveLength(3);
    expect(dataMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(events.filter((event) => event.type === "StateRetried")).toHaveLength(2);
  });

  it("gives up after the bounded retries and fails with the transient error", async () => {
    iotMock
      .on(DescribeThingCommand)
      .rejects(Object.assign(new Error("Service unavailable"), { $metadata: { httpStatusCode: 503 } }));

    const { error } = await run(upstreamEvent(fixtureBytes("uplink")), newHandlers());

    expect(error?.name).toBe("TransientAwsError");
    expect(iotMock.commandCalls(DescribeThingCommand)).toHaveLength(5);
    expect(dataMock.calls()).toHaveLength(0);
  });

  it("catches a permanent error: the execution fails with the step's error and cause, nothing published", async () => {
    iotMock.on(DescribeThingCommand).resolves({ attributes: { stackName: "other-stack" } });

    const { error, events } = await run(upstreamEvent(fixtureBytes("uplink")), newHandlers());

    expect(error?.name).toBe("ThingOwnedByAnotherStack");
    expect(JSON.parse(error!.message)).toEqual({
      errorType: "ThingOwnedByAnotherStack",
      errorMessage:
        'thing "0004A30B001C0530" belongs to stack "other-stack", not to "test-stack"; it is left untouched',
    });
    expect(events.some((event) => event.type === "StateCaught")).toBe(true);
    expect(iotMock.commandCalls(DescribeThingCommand)).toHaveLength(1);
    expect(dataMock.calls()).toHaveLength(0);
  });

  it("fails garbage on a TTS topic with InvalidTtsMessage and a readable cause", async () => {
    const { error } = await run(upstreamEvent("\u0000\u0001binary garbage"), newHandlers());
    expect(error?.name).toBe("InvalidTtsMessage");
    expect(JSON.parse(error!.message).errorMessage).toMatch(/^payload is not UTF-8 JSON/);
    expect(sdkCalls()).toEqual([]);
  });

  it("republishes a join and reports the activation", async () => {
    iotMock.on(DescribeThingCommand).resolves({ attributes: { stackName: "test-stack" } });
    const { output } = await run(
      upstreamEvent(fixtureBytes("join-accept"), "thethings/lorawan/test-stack/join"),
      newHandlers(),
    );
    expect(output).toMatchObject({ event: "join", republishedTo: "lorawan/0004A30B001C0530/join" });
    const shadow = JSON.parse(
      Buffer.from(dataMock.commandCalls(UpdateThingShadowCommand)[0]!.args[0].input.payload as Uint8Array).toString(),
    );
    expect(shadow.state.reported.activated).toBe("2020-02-17T07:49:09.736532315Z");
  });

  it("republishes an event with nothing to report without touching the shadow", async () => {
    iotMock.on(DescribeThingCommand).resolves({ attributes: { stackName: "test-stack" } });
    const { output } = await run(
      upstreamEvent(fixtureBytes("downlink-ack"), "thethings/lorawan/test-stack/downlink/ack"),
      newHandlers(),
    );
    expect(output).toMatchObject({
      shadow: { updated: false, reason: "nothing to report" },
      republishedTo: "lorawan/0004A30B001C0530/downlink/ack",
    });
    expect(sdkCalls()).toEqual(["DescribeThingCommand", "PublishCommand"]);
  });
});

/**
 * State size: Step Functions limits each state's and task's input and output to 262,144 bytes
 * (AWS Step Functions Developer Guide, "Step Functions service quotas") and fails past it with
 * States.DataLimitExceeded, which no Catch takes ("Handling errors in Step Functions workflows").
 */
describe("upstream workflow state", () => {
  beforeEach(() => {
    iotMock.on(DescribeThingCommand).resolves({ attributes: { stackName: "test-stack" } });
  });

  it("carries the message once, undecoded: no state holds more than the input and the thing's description", async () => {
    const input = upstreamEvent(fixtureBytes("uplink"));
    const { output, events, size } = await run(input, newHandlers());

    expect(output).toMatchObject({ event: "uplink", republishedTo: "lorawan/0004A30B001C0530/uplink" });
    expect(size.maxStateBytes).toBeLessThanOrEqual(payloadBytes(input) + UPSTREAM_HEADROOM_BYTES);
    // The decoded TTS message (its JSON text) appears in no state's input or output.
    const data = events.flatMap((event) => ("state" in event ? [event.state.input, event.state.output] : []));
    expect(data.length).toBeGreaterThan(0);
    for (const value of data) expect(JSON.stringify(value ?? null)).not.toContain("end_device_ids");
  });

  it("runs the largest input the budget admits, with the longest thing name we make, every state within 262,144 bytes", async () => {
    const stackName = `s${"t".repeat(31)}`; // the longest STACK_NAME the settings take
    const uplink = fixture("uplink");
    uplink["end_device_ids"].device_id = "d".repeat(36);
    // The largest message AWS IoT delivers (128 KB); the rest of the budget pads the rule event.
    const message = uplinkOfSize(uplink, 131_072);
    const input = ruleEventOfSize(message, MAX_UPSTREAM_EVENT_BYTES);
    iotMock.on(DescribeThingCommand).resolves({ attributes: { stackName } });

    const { output, size } = await run(input, newHandlers({ STACK_NAME: stackName, THING_NAME_SCHEME: "DeviceID" }));

    const thingName = `${stackName}_${"d".repeat(36)}`;
    expect(thingName).toHaveLength(69); // the longest our settings and TTS's ids make
    expect(output).toMatchObject({ thingName });
    expect(size.maxStateBytes).toBeLessThanOrEqual(262_144);
    const published = dataMock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(Buffer.from(published.payload as Uint8Array).equals(message)).toBe(true);
  });

  it("refuses one byte more in its first step with InvalidTtsMessage, caught and ended in Failed, before any limit", async () => {
    const input = ruleEventOfSize(uplinkOfSize(fixture("uplink"), 190_000), MAX_UPSTREAM_EVENT_BYTES + 1);

    const { error, events, size } = await run(input, newHandlers());

    expect(error?.name).toBe("InvalidTtsMessage");
    expect(JSON.parse(error!.message).errorMessage).toMatch(/^too large for the upstream workflow: .* 262144 bytes$/);
    expect(events.some((event) => event.type === "StateCaught")).toBe(true);
    expect(size.maxStateBytes).toBeLessThanOrEqual(262_144);
    expect(sdkCalls()).toEqual([]);
  });
});
