import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { CreateThingCommand, CreateThingTypeCommand, DescribeThingCommand, IoTClient } from "@aws-sdk/client-iot";
import {
  GetThingShadowCommand,
  InternalFailureException,
  IoTDataPlaneClient,
  PublishCommand,
  UpdateThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
import { describe, expect, it, type MockInstance, vi } from "vitest";
import { AwsError, PortInUseError, startAwsEndpoint } from "../../../local/aws/index.ts";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../../../local/aws/local-account.ts";
import {
  credentials,
  jsonPayload,
  makeDataDir,
  removeDataDir,
  startFixture,
  useEndpointFixture,
} from "./endpoint-fixture.ts";

const ctx = useEndpointFixture();

const update = (thingName: string, reported: Record<string, unknown>) =>
  ctx.f.iotData.send(
    new UpdateThingShadowCommand({
      thingName,
      shadowName: "lorawan",
      payload: Buffer.from(JSON.stringify({ state: { reported } })),
    }),
  );

describe("persistence", () => {
  it("keeps registry, shadows, secrets and executions across a restart on the same data dir", async () => {
    await ctx.f.iot.send(new CreateThingTypeCommand({ thingTypeName: "lorawan-device" }));
    const created = await ctx.f.iot.send(
      new CreateThingCommand({
        thingName: "sensor-1",
        thingTypeName: "lorawan-device",
        attributePayload: { attributes: { stackName: "prod" } },
      }),
    );
    await update("sensor-1", { battery: 90 });
    await update("sensor-1", { rssi: -80 });
    const secret = await fetch(ctx.f.endpoint.url, {
      method: "POST",
      headers: { "x-amz-target": "secretsmanager.CreateSecret", "content-type": "application/x-amz-json-1.1" },
      body: JSON.stringify({ Name: "tts/api-key", SecretString: "s3cret" }),
    });
    expect(secret.status).toBe(200);
    const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:express:upstream:e1`;
    ctx.f.endpoint.executionStore.started({
      executionArn,
      stateMachineArn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:upstream`,
      name: "e1",
      input: "{}",
    });
    ctx.f.endpoint.executionStore.finished(executionArn, { status: "SUCCEEDED", output: '{"ok":1}' });
    await ctx.f.close();

    ctx.f = await startFixture(ctx.dataDir);
    const thing = await ctx.f.iot.send(new DescribeThingCommand({ thingName: "sensor-1" }));
    expect(thing).toMatchObject({
      thingId: created.thingId,
      thingTypeName: "lorawan-device",
      attributes: { stackName: "prod" },
    });
    const shadow = jsonPayload(
      (await ctx.f.iotData.send(new GetThingShadowCommand({ thingName: "sensor-1", shadowName: "lorawan" }))).payload,
    );
    expect(shadow).toMatchObject({ state: { reported: { battery: 90, rssi: -80 } }, version: 2 });
    const value = await fetch(ctx.f.endpoint.url, {
      method: "POST",
      headers: { "x-amz-target": "secretsmanager.GetSecretValue", "content-type": "application/x-amz-json-1.1" },
      body: JSON.stringify({ SecretId: "tts/api-key" }),
    });
    expect(((await value.json()) as { SecretString: string }).SecretString).toBe("s3cret");
    // An Express execution is not readable through Step Functions (step-functions.test.ts): the store is.
    expect(ctx.f.endpoint.executionStore.get(executionArn)).toMatchObject({
      status: "SUCCEEDED",
      output: '{"ok":1}',
    });
  });

  it("loses nothing of a burst of 1000 shadow updates on a clean shutdown", async () => {
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => update(`sensor-${i}`, { counter: batch })));
    }
    await ctx.f.close();
    const stored = JSON.parse(await readFile(join(ctx.dataDir, "shadows.json"), "utf8")) as Record<
      string,
      { lorawan: { version: number; state: unknown } }
    >;
    expect(Object.keys(stored)).toHaveLength(10);
    expect(stored["sensor-3"]?.lorawan).toMatchObject({ version: 100, state: { reported: { counter: 99 } } });
    ctx.f = await startFixture(ctx.dataDir);
  });
});

describe("stats", () => {
  it("counts calls per operation, failed ones included, until reset", async () => {
    await ctx.f.iot.send(new DescribeThingCommand({ thingName: "missing" })).catch(() => undefined);
    await ctx.f.iot.send(new DescribeThingCommand({ thingName: "missing" })).catch(() => undefined);
    await ctx.f.iotData.send(new PublishCommand({ topic: "a/b", payload: Buffer.from("x") }));
    expect(ctx.f.endpoint.stats()).toEqual({ "iot:DescribeThing": 2, "iotdata:Publish": 1 });
    ctx.f.endpoint.resetStats();
    expect(ctx.f.endpoint.stats()).toEqual({});
  });
});

describe("bad requests", () => {
  it("answers an unknown REST operation with a 404 naming method and path", async () => {
    const response = await fetch(`${ctx.f.endpoint.url}/billing-groups/x`, { method: "GET" });
    expect(response.status).toBe(404);
    expect(response.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
    expect(((await response.json()) as { message: string }).message).toBe(
      "No iot operation matches: GET /billing-groups/x",
    );
  });

  it("answers a service it does not serve", async () => {
    const response = await fetch(`${ctx.f.endpoint.url}/bucket`, {
      headers: {
        authorization:
          "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
      },
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toContain("does not serve 's3'");
  });

  it("answers a malformed body with 400 and the parser's complaint", async () => {
    const response = await fetch(`${ctx.f.endpoint.url}/things/sensor-1`, { method: "POST", body: "{nope" });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toBe("InvalidRequestException");
    expect(((await response.json()) as { message: string }).message).toMatch(/^Malformed request body: /);
    const wrongType = await fetch(`${ctx.f.endpoint.url}/things/sensor-1`, {
      method: "POST",
      body: JSON.stringify({ attributePayload: { attributes: { a: 1 } } }),
    });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { message: string }).message).toContain("attributePayload.attributes.a");
  });

  /** An endpoint whose publish callback fails with `failure`, a data-plane client for it, and console.error spied on. */
  async function withFailingPublish(
    failure: Error,
    check: (client: IoTDataPlaneClient, logged: MockInstance<typeof console.error>) => Promise<void>,
  ): Promise<void> {
    const otherDir = await makeDataDir();
    const endpoint = await startAwsEndpoint({ port: 0, dataDir: otherDir, publish: () => Promise.reject(failure) });
    const client = new IoTDataPlaneClient({
      endpoint: endpoint.url,
      region: LOCAL_REGION,
      credentials,
      maxAttempts: 1,
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await check(client, logged);
    } finally {
      logged.mockRestore();
      client.destroy();
      await endpoint.close();
      await removeDataDir(otherDir);
    }
  }

  it("answers a failing publish callback with InternalFailureException, and keeps serving", async () => {
    await withFailingPublish(new Error("broker down"), async (client, logged) => {
      const failing = client.send(new PublishCommand({ topic: "a", payload: Buffer.from("x") }));
      await expect(failing).rejects.toBeInstanceOf(InternalFailureException);
      await expect(failing).rejects.toThrow("broker down");
      expect(logged).toHaveBeenCalledWith("Local AWS endpoint failed on", "POST", "/topics/a", expect.any(Error));
      await expect(client.send(new GetThingShadowCommand({ thingName: "x" }))).rejects.toThrow("No shadow exists");
    });
  });

  it("logs an InternalFailureException a service answers on purpose in one line, without a stack trace", async () => {
    const shuttingDown = new AwsError("InternalFailureException", "the runtime is shutting down", 500);
    await withFailingPublish(shuttingDown, async (client, logged) => {
      await expect(client.send(new PublishCommand({ topic: "a", payload: Buffer.from("x") }))).rejects.toBeInstanceOf(
        InternalFailureException,
      );
      expect(logged.mock.calls).toEqual([
        ["Local AWS endpoint answered POST /topics/a: InternalFailureException: the runtime is shutting down"],
      ]);
    });
  });
});

describe("startAwsEndpoint", () => {
  it("says clearly when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const starting = startAwsEndpoint({ port, dataDir: ctx.dataDir, publish: async () => undefined });
      await expect(starting).rejects.toBeInstanceOf(PortInUseError);
      await expect(starting).rejects.toThrow(
        `AWS endpoint port (--aws-port): 127.0.0.1:${port} is already in use; choose another port`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("serves ARNs in the configured region", async () => {
    const otherDir = await makeDataDir();
    const endpoint = await startAwsEndpoint({
      port: 0,
      region: "eu-west-1",
      dataDir: otherDir,
      publish: async () => undefined,
    });
    const iot = new IoTClient({ endpoint: endpoint.url, region: "eu-west-1", credentials });
    try {
      const created = await iot.send(new CreateThingCommand({ thingName: "t" }));
      expect(created.thingArn).toBe(`arn:aws:iot:eu-west-1:${LOCAL_ACCOUNT_ID}:thing/t`);
      expect(endpoint.url).toBe(`http://127.0.0.1:${endpoint.port}`);
    } finally {
      iot.destroy();
      await endpoint.close();
      await removeDataDir(otherDir);
    }
  });
});
