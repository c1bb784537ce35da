/**
 * SDK clients from an environment record (functions/runtime/aws-clients.ts): the standard variables, and
 * what only code can give — the request handler the local runtime passes to reach its endpoint in process.
 */

import { PassThrough, Readable } from "node:stream";
import { DescribeThingCommand } from "@aws-sdk/client-iot";
import { describe, expect, it } from "vitest";
import {
  clientConfig,
  collectNodeStream,
  iotClientFor,
  type SdkRequestHandler,
} from "../../functions/runtime/aws-clients.ts";

const env = {
  AWS_REGION: "eu-west-1",
  AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
  AWS_ACCESS_KEY_ID: "AKID",
  AWS_SECRET_ACCESS_KEY: "secret",
};

describe("clientConfig", () => {
  it("takes region, endpoint and credentials from the standard variables, and resolves middleware once per command", () => {
    expect(clientConfig(env)).toEqual({
      cacheMiddleware: true,
      streamCollector: collectNodeStream,
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:4566",
      credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
    });
    expect(clientConfig({}, undefined)).toEqual({ cacheMiddleware: true, streamCollector: collectNodeStream });
  });

  it("sends every request of a client through the request handler it is given", async () => {
    const seen: { method: string; path: string; authorization: string | undefined }[] = [];
    const requestHandler: SdkRequestHandler = {
      async handle(request) {
        seen.push({ method: request.method, path: request.path, authorization: request.headers["authorization"] });
        const body = new TextEncoder().encode(JSON.stringify({ thingName: "t", attributes: {}, version: 1 }));
        return { response: { statusCode: 200, headers: { "content-type": "application/json" }, body } };
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
    };
    const iot = iotClientFor(env, { requestHandler });
    const first = await iot.send(new DescribeThingCommand({ thingName: "t" }));
    await iot.send(new DescribeThingCommand({ thingName: "t" }));
    expect(first).toMatchObject({ thingName: "t", version: 1 });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ method: "GET", path: "/things/t" });
    // Signed as over HTTP: the local endpoint tells the service by the credential scope.
    expect(seen[0]!.authorization).toMatch(/Credential=AKID\/\d{8}\/eu-west-1\/iot\/aws4_request/);
    iot.destroy();
  });
});

describe("collectNodeStream", () => {
  it("gives the body's bytes, in order, across chunks", async () => {
    const body = Readable.from([Buffer.from('{"thing'), Buffer.from('Name":"é"'), Buffer.from("}")]);
    const bytes = await collectNodeStream(body);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes).toString("utf8")).toBe('{"thingName":"é"}');
  });

  it("gives no bytes for an empty body", async () => {
    expect(await collectNodeStream(Readable.from([]))).toEqual(new Uint8Array(0));
  });

  it("gives no bytes for a body that has already ended", async () => {
    const body = new PassThrough();
    body.end();
    body.resume();
    await new Promise((resolve) => body.once("end", resolve));
    expect(await collectNodeStream(body)).toEqual(new Uint8Array(0));
  });

  it("takes text chunks as their UTF-8 bytes", async () => {
    const body = new PassThrough({ encoding: "utf8" });
    const collected = collectNodeStream(body);
    body.end(Buffer.from("état"));
    expect(Buffer.from(await collected).toString("utf8")).toBe("état");
  });

  it("fails when the body does", async () => {
    const body = new PassThrough();
    const collected = collectNodeStream(body);
    body.write("partial");
    body.destroy(new Error("socket hang up"));
    await expect(collected).rejects.toThrow("socket hang up");
  });
});
