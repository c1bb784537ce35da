/**
 * Request bodies at the local AWS endpoint: each service reads at most its bound and answers 413
 * RequestEntityTooLargeException beyond it (declared or chunked), a request no service serves is
 * answered before its body is read, and a client that hangs up mid-request leaves nothing on stderr.
 *
 * The bounds: AWS IoT Core endpoints and quotas ("Message broker and protocol limits and quotas",
 * 128 KB per HTTP publish) with the IoT data plane's documented answer (AWS IoT data plane API
 * reference, Publish and UpdateThingShadow: RequestEntityTooLargeException, HTTP 413); Step Functions
 * service quotas ("Maximum request size: 1 MB per request").
 */
import { GetThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { maxRequestBodyBytes } from "../../../local/aws/request-limits.ts";
import { requestHead, sendAndHangUp, sendUntilClosed, statusOf, watchStderr } from "../../support/raw-client.ts";
import { useEndpointFixture } from "./endpoint-fixture.ts";

const ctx = useEndpointFixture();
const MIB = 1024 * 1024;
const STATE_MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:nothing";

/** A SigV4 Authorization header whose credential scope names `service` (signatures are not checked). */
const signedFor = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;

describe("request body bounds", () => {
  it("has AWS's bounds: 128 KB for the IoT data plane, 1 MiB for Step Functions and the rest", () => {
    expect(maxRequestBodyBytes("iotdata")).toBe(131_072);
    expect(maxRequestBodyBytes("states")).toBe(MIB);
    expect(maxRequestBodyBytes("iot")).toBe(MIB);
    expect(maxRequestBodyBytes("secretsmanager")).toBe(MIB);
  });

  it.each([
    ["iotdata", "POST /topics/lorawan%2Fbig", {}, 131_073],
    ["states", "POST /", { "x-amz-target": "AWSStepFunctions.StartExecution" }, MIB + 1],
  ] as const)(
    "answers a declared %s body over its bound with 413 before reading any of it",
    async (service, line, extra, length) => {
      const head = requestHead(line, {
        authorization: signedFor(service),
        "content-type": "application/x-amz-json-1.0",
        "content-length": length,
        ...extra,
      });
      const answer = await sendUntilClosed(ctx.f.endpoint.port, head);
      expect(statusOf(answer)).toBe(413);
      expect(answer).toMatch(/\r\nx-amzn-errortype: RequestEntityTooLargeException\r\n/i);
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
      expect(answer).toContain(`the limit is ${length - 1}`);
      expect(ctx.f.published).toEqual([]);
    },
  );

  it("refuses a chunked body as soon as it passes the bound, and keeps serving", async () => {
    const piece = new Uint8Array(16 * 1024).fill(0x61);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than the bound: the endpoint must stop reading, not wait for all of it.
        if (sent >= 64 * MIB) return controller.close();
        controller.enqueue(piece);
        sent += piece.length;
      },
    });
    const response = await fetch(`${ctx.f.endpoint.url}/topics/lorawan%2Fbig`, {
      method: "POST",
      headers: { authorization: signedFor("iotdata") },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { __type: string }).__type).toBe("RequestEntityTooLargeException");
    expect(sent).toBeLessThan(64 * MIB);
    expect(ctx.f.published).toEqual([]);
    const shadow = ctx.f.iotData.send(new GetThingShadowCommand({ thingName: "nobody" }));
    await expect(shadow).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("gives Step Functions its 1 MB: a 600 KB request gets past the bound, a 1.1 MB one does not", async () => {
    const input = (bytes: number) => JSON.stringify({ padding: "x".repeat(bytes) });
    const within = await ctx.f.sfn
      .send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE, input: input(600 * 1024) }))
      .catch((error: unknown) => error);
    expect((within as { name?: string }).name).not.toBe("RequestEntityTooLargeException");

    const over = await ctx.f.sfn
      .send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE, input: input(1_100 * 1024) }))
      .catch((error: unknown) => error);
    expect(over).toMatchObject({ name: "RequestEntityTooLargeException", $metadata: { httpStatusCode: 413 } });
  });

  it("answers a request for a service it does not serve before reading its body", async () => {
    const head = requestHead("POST /", {
      authorization: signedFor("nosuchservice"),
      "content-length": 10 * MIB,
    });
    const answer = await sendUntilClosed(ctx.f.endpoint.port, head);
    expect(statusOf(answer)).toBe(404);
    expect(answer).toMatch(/x-amzn-errortype: UnknownOperationException/i);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain("does not serve 'nosuchservice'");
  });
});

describe("clients that hang up", () => {
  it("mid-body or before the answer: nothing on stderr, and the endpoint keeps serving", async () => {
    const stderr = watchStderr();
    try {
      const port = ctx.f.endpoint.port;
      const partial = requestHead("POST /topics/lorawan%2Fup", {
        authorization: signedFor("iotdata"),
        "content-length": 1_000,
      });
      expect(await sendAndHangUp(port, `${partial}{"half":`)).toBe("");
      const states = requestHead("POST /", {
        authorization: signedFor("states"),
        "x-amz-target": "AWSStepFunctions.ListStateMachines",
        "content-type": "application/x-amz-json-1.0",
        "content-length": 500,
      });
      expect(await sendAndHangUp(port, `${states}{`)).toBe("");
      const whole = requestHead("GET /things/nobody/shadow", { authorization: signedFor("iotdata") });
      await sendAndHangUp(port, whole, 0);

      await expect(ctx.f.iotData.send(new GetThingShadowCommand({ thingName: "nobody" }))).rejects.toMatchObject({
        name: "ResourceNotFoundException",
      });
      expect(ctx.f.published).toEqual([]);
      expect(stderr.text()).toBe("");
    } finally {
      stderr.restore();
    }
  });
});
