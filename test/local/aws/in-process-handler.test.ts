/**
 * The endpoint's in-process request handler (local/aws/in-process-handler.ts): real SDK clients given
 * `endpoint.requestHandler` get the answers they get over HTTP, errors and limits included, with no socket.
 *
 * The answers pinned are AWS's documented ones: AWS IoT data plane API reference, Publish and
 * UpdateThingShadow (RequestEntityTooLargeException, HTTP 413, over 128 KB; AWS IoT Core quotas,
 * "Message broker and protocol limits and quotas"); AWS IoT API reference, DescribeThing
 * (ResourceNotFoundException, HTTP 404, for a thing that does not exist).
 */
import { CreateThingCommand, DescribeThingCommand, IoTClient, ResourceNotFoundException } from "@aws-sdk/client-iot";
import {
  GetThingShadowCommand,
  IoTDataPlaneClient,
  PublishCommand,
  RequestEntityTooLargeException,
  UpdateThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
import { describe, expect, it } from "vitest";
import { LOCAL_REGION } from "../../../local/aws/local-account.ts";
import {
  credentials,
  jsonPayload,
  makeDataDir,
  removeDataDir,
  startFixture,
  useEndpointFixture,
} from "./endpoint-fixture.ts";

const ctx = useEndpointFixture();

function inProcessClients() {
  const config = {
    endpoint: ctx.f.endpoint.url,
    region: LOCAL_REGION,
    credentials,
    maxAttempts: 1,
    requestHandler: ctx.f.endpoint.requestHandler,
  };
  return { iot: new IoTClient(config), iotData: new IoTDataPlaneClient(config) };
}

/** An SDK answer without what differs between any two calls (request id, timing). */
function comparable(output: object): object {
  const { $metadata, ...rest } = output as { $metadata: { httpStatusCode?: number } };
  return { ...rest, status: $metadata.httpStatusCode };
}

async function failure(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  return call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as never,
  );
}

describe("SDK requests dispatched in process", () => {
  it("answers as over HTTP: the same registry and shadow outputs, counted as calls", async () => {
    const local = inProcessClients();
    ctx.f.endpoint.resetStats();
    const created = await local.iot.send(
      new CreateThingCommand({
        thingName: "in-process",
        attributePayload: { attributes: { devEUI: "0004A30B001C0530" } },
      }),
    );
    expect(created.thingArn).toMatch(/:thing\/in-process$/);
    const viaProcess = await local.iot.send(new DescribeThingCommand({ thingName: "in-process" }));
    const viaHttp = await ctx.f.iot.send(new DescribeThingCommand({ thingName: "in-process" }));
    expect(comparable(viaProcess)).toEqual(comparable(viaHttp));

    const update = { state: { reported: { battery: 90 } } };
    await local.iotData.send(
      new UpdateThingShadowCommand({ thingName: "in-process", payload: Buffer.from(JSON.stringify(update)) }),
    );
    const shadowInProcess = jsonPayload(
      (await local.iotData.send(new GetThingShadowCommand({ thingName: "in-process" }))).payload,
    );
    const shadowOverHttp = jsonPayload(
      (await ctx.f.iotData.send(new GetThingShadowCommand({ thingName: "in-process" }))).payload,
    );
    expect(shadowInProcess).toEqual(shadowOverHttp);
    expect(shadowInProcess).toMatchObject({ state: { reported: { battery: 90 } }, version: 1 });

    // Path segments that need escaping reach the endpoint as over HTTP: the topic keeps its slashes.
    await local.iotData.send(new PublishCommand({ topic: "lorawan/a b/up", payload: Buffer.from("{}"), qos: 1 }));
    expect(ctx.f.published.map((message) => message.topic)).toContain("lorawan/a b/up");
    expect(ctx.f.endpoint.stats()).toMatchObject({
      "iot:CreateThing": 1,
      "iot:DescribeThing": 2,
      "iotdata:Publish": 1,
    });
    local.iot.destroy();
    local.iotData.destroy();
  });

  it("gives the same AWS errors: ResourceNotFoundException (404) for a missing thing", async () => {
    const local = inProcessClients();
    const inProcess = await failure(local.iot.send(new DescribeThingCommand({ thingName: "nobody" })));
    const overHttp = await failure(ctx.f.iot.send(new DescribeThingCommand({ thingName: "nobody" })));
    expect(inProcess).toBeInstanceOf(ResourceNotFoundException);
    expect(inProcess.$metadata.httpStatusCode).toBe(404);
    expect(inProcess.message).toBe(overHttp.message);
    local.iot.destroy();
  });

  it("applies the request body bound: a Publish over 128 KB is RequestEntityTooLargeException (413), and the endpoint keeps serving", async () => {
    const local = inProcessClients();
    const error = await failure(
      local.iotData.send(new PublishCommand({ topic: "big", payload: new Uint8Array(128 * 1024 + 1) })),
    );
    expect(error).toBeInstanceOf(RequestEntityTooLargeException);
    expect(error.$metadata.httpStatusCode).toBe(413);
    expect(error.message).toContain("the limit is 131072");
    await local.iotData.send(new PublishCommand({ topic: "small", payload: new Uint8Array(128 * 1024) }));
    expect(ctx.f.published.map((message) => message.topic)).toEqual(["small"]);
    local.iotData.destroy();
  });

  it("refuses once the endpoint is closed, as a closed port does (ECONNREFUSED)", async () => {
    const dataDir = await makeDataDir();
    const other = await startFixture(dataDir);
    const client = new IoTClient({
      endpoint: other.endpoint.url,
      region: LOCAL_REGION,
      credentials,
      maxAttempts: 1,
      requestHandler: other.endpoint.requestHandler,
    });
    await other.close();
    const error = await failure(client.send(new DescribeThingCommand({ thingName: "any" })));
    expect(error).toMatchObject({ code: "ECONNREFUSED" });
    client.destroy();
    await removeDataDir(dataDir);
  });
});
