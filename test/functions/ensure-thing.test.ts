import {
  CreateThingCommand,
  DescribeThingCommand,
  IoTClient,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  ThrottlingException,
} from "@aws-sdk/client-iot";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createKnownThings } from "../../functions/ensure-thing/ensure-thing.ts";
import {
  contextFromEnvironment,
  createEnsureThingHandler,
  type EnsureThingContext,
} from "../../functions/ensure-thing/handler.ts";
import { MAX_UPSTREAM_EVENT_BYTES } from "../../functions/ensure-thing/upstream-budget.ts";
import { loadSettings } from "../../functions/settings.ts";
import { uplinkOfSize } from "../../local/harness/large-uplink.ts";
import { fixture, fixtureBytes } from "../support/fixtures.ts";
import { upstreamEvent } from "../support/rule-events.ts";

const iotMock = mockClient(IoTClient);
afterAll(() => iotMock.restore());
const notFound = () =>
  new ResourceNotFoundException({ message: "Thing 0004A30B001C0530 cannot be found.", $metadata: {} });
const alreadyExists = () =>
  new ResourceAlreadyExistsException({ message: "exists", $metadata: {}, resourceId: "x", resourceArn: "y" });

function newHandler(env: Record<string, string> = {}) {
  const config = loadSettings("ensure-thing", { STACK_NAME: "test-stack", ...env });
  const context: EnsureThingContext = {
    config,
    iot: new IoTClient({ region: "us-east-1" }),
    thingTypeName: config.THING_TYPE_NAME,
    knownThings: createKnownThings({ maxEntries: 100, ttlSeconds: 60 }),
  };
  return createEnsureThingHandler(() => context);
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

beforeEach(() => iotMock.reset());

describe("ensure-thing", () => {
  it("creates the thing of a new device with its type and attributes", async () => {
    iotMock.on(DescribeThingCommand).rejects(notFound());
    iotMock.on(CreateThingCommand).resolves({ thingName: "0004A30B001C0530" });

    const result = await newHandler()(upstreamEvent(fixtureBytes("uplink")));

    expect(result).toMatchObject({
      thingName: "0004A30B001C0530",
      event: "uplink",
      republishTopic: "lorawan/0004A30B001C0530/uplink",
      receivedAt: "2020-02-12T15:15:46.014773143Z",
      thing: "created",
    });
    // The message stays in the workflow's input, once: the result does not carry a second copy.
    expect(Object.keys(result).sort()).toEqual(["event", "receivedAt", "republishTopic", "thing", "thingName"]);
    expect(iotMock.commandCalls(CreateThingCommand)[0]!.args[0].input).toEqual({
      thingName: "0004A30B001C0530",
      thingTypeName: "lorawan",
      attributePayload: {
        attributes: { stackName: "test-stack", deviceID: "dev1", applicationID: "app1", devEUI: "0004A30B001C0530" },
      },
    });
    expect(iotMock.calls()).toHaveLength(2);
  });

  it("costs no control-plane call for a thing it already knows (warm container)", async () => {
    iotMock.on(DescribeThingCommand).rejects(notFound());
    iotMock.on(CreateThingCommand).resolves({});
    const handler = newHandler();
    await handler(upstreamEvent(fixtureBytes("join-accept")));
    iotMock.resetHistory();

    for (let i = 0; i < 5; i++) {
      expect((await handler(upstreamEvent(fixtureBytes("uplink")))).thing).toBe("cached");
    }
    expect(iotMock.calls()).toHaveLength(0);
  });

  it("describes a known thing once in a cold container, without modifying it", async () => {
    iotMock
      .on(DescribeThingCommand)
      .resolves({ thingName: "0004A30B001C0530", attributes: { stackName: "test-stack" } });
    const handler = newHandler();

    expect((await handler(upstreamEvent(fixtureBytes("uplink")))).thing).toBe("exists");
    expect((await handler(upstreamEvent(fixtureBytes("uplink")))).thing).toBe("cached");
    expect(iotMock.commandCalls(DescribeThingCommand)).toHaveLength(1);
    expect(iotMock.commandCalls(CreateThingCommand)).toHaveLength(0);
  });

  it("carries on when a concurrent execution created the thing first", async () => {
    iotMock
      .on(DescribeThingCommand)
      .rejectsOnce(notFound())
      .resolves({ thingName: "0004A30B001C0530", attributes: { stackName: "test-stack" } });
    iotMock.on(CreateThingCommand).rejects(alreadyExists());

    const result = await newHandler()(upstreamEvent(fixtureBytes("uplink")));

    expect(result.thing).toBe("exists");
    expect(iotMock.commandCalls(DescribeThingCommand)).toHaveLength(2);
  });

  it("handles two concurrent first messages: one creates, the other carries on", async () => {
    let created = false;
    iotMock.on(DescribeThingCommand).callsFake(async () => {
      if (!created) throw notFound();
      return { attributes: { stackName: "test-stack" } };
    });
    iotMock.on(CreateThingCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (created) throw alreadyExists();
      created = true;
      return {};
    });
    // Two containers, two caches: the real race.
    const [a, b] = await Promise.all([
      newHandler()(upstreamEvent(fixtureBytes("uplink"))),
      newHandler()(upstreamEvent(fixtureBytes("uplink"))),
    ]);
    expect([a.thing, b.thing].sort()).toEqual(["created", "exists"]);
  });

  it("refuses a thing that belongs to another stack and never modifies it", async () => {
    iotMock
      .on(DescribeThingCommand)
      .resolves({ thingName: "0004A30B001C0530", attributes: { stackName: "other-stack" } });
    const handler = newHandler();

    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await failureOf(handler(upstreamEvent(fixtureBytes("uplink"))));
      expect(error.name).toBe("ThingOwnedByAnotherStack");
      expect(error.message).toBe(
        'thing "0004A30B001C0530" belongs to stack "other-stack", not to "test-stack"; it is left untouched',
      );
    }
    expect(iotMock.commandCalls(CreateThingCommand)).toHaveLength(0);
    expect(iotMock.commandCalls(DescribeThingCommand)).toHaveLength(2);
  });

  it("refuses a foreign thing that appeared during a create race", async () => {
    iotMock
      .on(DescribeThingCommand)
      .rejectsOnce(notFound())
      .resolves({ attributes: { stackName: "other-stack" } });
    iotMock.on(CreateThingCommand).rejects(alreadyExists());
    expect((await failureOf(newHandler()(upstreamEvent(fixtureBytes("uplink"))))).name).toBe(
      "ThingOwnedByAnotherStack",
    );
  });

  it("uses a thing made by hand (no stackName) as it is", async () => {
    iotMock.on(DescribeThingCommand).resolves({ thingName: "0004A30B001C0530", attributes: {} });
    expect((await newHandler()(upstreamEvent(fixtureBytes("uplink")))).thing).toBe("exists");
    expect(iotMock.commandCalls(CreateThingCommand)).toHaveLength(0);
  });

  it("names things <stack>_<device> under the DeviceID scheme", async () => {
    iotMock.on(DescribeThingCommand).rejects(notFound());
    iotMock.on(CreateThingCommand).resolves({});
    const result = await newHandler({ THING_NAME_SCHEME: "DeviceID" })(upstreamEvent(fixtureBytes("uplink")));
    expect(result.thingName).toBe("test-stack_dev1");
    expect(result.republishTopic).toBe("lorawan/test-stack_dev1/uplink");
  });

  it("turns AWS throttling into a TransientAwsError the workflow retries", async () => {
    iotMock
      .on(DescribeThingCommand)
      .rejects(new ThrottlingException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }));
    const error = await failureOf(newHandler()(upstreamEvent(fixtureBytes("uplink"))));
    expect(error.name).toBe("TransientAwsError");
    expect(error.message).toBe("ThrottlingException: Rate exceeded");
  });

  it("keeps a final AWS error's own name", async () => {
    iotMock.on(DescribeThingCommand).rejects(notFound());
    iotMock.on(CreateThingCommand).rejects(
      new ResourceNotFoundException({
        message: "thing type lorawan does not exist",
        $metadata: { httpStatusCode: 404 },
      }),
    );
    const error = await failureOf(newHandler()(upstreamEvent(fixtureBytes("uplink"))));
    expect(error.name).toBe("ResourceNotFoundException");
  });

  it("fails garbage with InvalidTtsMessage before any AWS call", async () => {
    const error = await failureOf(newHandler()(upstreamEvent("not json at all")));
    expect(error.name).toBe("InvalidTtsMessage");
    expect(error.message).toMatch(/^payload is not UTF-8 JSON/);
    expect(iotMock.calls()).toHaveLength(0);
  });

  it("refuses a message too large for the workflow's states with InvalidTtsMessage naming the limit, before any AWS call", async () => {
    // 200,000 bytes: 266,668 as base64, over what the workflow's states can carry next to the thing.
    const error = await failureOf(newHandler()(upstreamEvent(uplinkOfSize(fixture("uplink"), 200_000))));
    expect(error.name).toBe("InvalidTtsMessage");
    expect(error.message).toMatch(
      new RegExp(
        `^too large for the upstream workflow: the message is 200000 bytes, its workflow input \\d+ bytes \\(base64\\); at most ${MAX_UPSTREAM_EVENT_BYTES} fit, as Step Functions limits each state to 262144 bytes$`,
      ),
    );
    expect(iotMock.calls()).toHaveLength(0);
  });

  it("takes the largest message AWS IoT Core delivers (128 KB)", async () => {
    iotMock.on(DescribeThingCommand).resolves({ attributes: { stackName: "test-stack" } });
    const result = await newHandler()(upstreamEvent(uplinkOfSize(fixture("uplink"), 131_072)));
    expect(result.thing).toBe("exists");
  });

  it("fails a message nested 4,000 deep with InvalidTtsMessage, not a RangeError, before any AWS call", async () => {
    const deep = `${"[".repeat(4000)}${"]".repeat(4000)}`;
    const text = JSON.stringify(fixture("uplink")).replace('"decoded_payload":{', `"decoded_payload":{"deep":${deep},`);
    const error = await failureOf(newHandler()(upstreamEvent(text)));
    expect(error.name).toBe("InvalidTtsMessage");
    expect(error.message).toContain("nested deeper than 64 levels");
    expect(iotMock.calls()).toHaveLength(0);
  });

  it("fails a 5,000-character device_id with InvalidTtsMessage naming the field, before CreateThing", async () => {
    const uplink = fixture("uplink");
    const message = { ...uplink, end_device_ids: { ...uplink.end_device_ids, device_id: "d".repeat(5000) } };
    const error = await failureOf(newHandler()(upstreamEvent(JSON.stringify(message))));
    expect(error.name).toBe("InvalidTtsMessage");
    expect(error.message).toContain("end_device_ids.device_id is not a TTS device ID: longer than 36 characters");
    expect(error.message).not.toContain("d".repeat(41));
    expect(iotMock.calls()).toHaveLength(0);
  });

  it("fails an input that is not an upstream event with InvalidStepInput", async () => {
    const error = await failureOf(newHandler()({ topic: "x", payload: "%%%" } as never));
    expect(error.name).toBe("InvalidStepInput");
    expect(error.message).toMatch(/payload/);
  });

  it("falls back to the rule time when the message has no received_at", async () => {
    iotMock.on(DescribeThingCommand).resolves({ attributes: { stackName: "test-stack" } });
    const result = await newHandler()(
      upstreamEvent(fixtureBytes("downlink-failed"), "thethings/lorawan/test-stack/downlink/failed"),
    );
    expect(result.receivedAt).toBe(new Date(1_700_000_000_000).toISOString());
    expect(result.thingName).toBe("test-stack_dev1");
  });
});

describe("ensure-thing configuration", () => {
  it("names every bad setting", () => {
    expect(() => contextFromEnvironment({ STACK_NAME: "9lives", THING_NAME_SCHEME: "Serial" })).toThrow(
      /invalid function environment: STACK_NAME must start with a letter .*; THING_NAME_SCHEME/,
    );
  });

  it("needs a stack name", () => {
    expect(() => contextFromEnvironment({})).toThrow(/STACK_NAME/);
  });
});

describe("known things", () => {
  it("holds at most maxEntries things, forgetting the least recently used first", () => {
    const knownThings = createKnownThings({ maxEntries: 3, ttlSeconds: 60 });
    for (const name of ["a", "b", "c"]) knownThings.set(name, true);
    knownThings.get("a");
    knownThings.set("d", true);
    expect([...knownThings.keys()].sort()).toEqual(["a", "c", "d"]);
    for (const name of ["e", "f", "g", "h"]) knownThings.set(name, true);
    expect(knownThings.size).toBe(3);
  });

  it("keeps a thing for the configured time", () => {
    const knownThings = createKnownThings({ maxEntries: 3, ttlSeconds: 600 });
    knownThings.set("a", true);
    expect(knownThings.getRemainingTTL("a")).toBeGreaterThan(599_000);
    expect(knownThings.getRemainingTTL("a")).toBeLessThanOrEqual(600_000);
  });
});
