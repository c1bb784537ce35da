import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parseDownlinkRequestValue } from "../../functions/core/downlink/validation.ts";
import { backoffSeconds } from "../../functions/enqueue-downlink/enqueue-downlink.ts";
import { contextFromEnvironment, createEnqueueDownlinkHandler } from "../../functions/enqueue-downlink/handler.ts";
import { loadSettings } from "../../functions/settings.ts";
import { retryAfterSeconds } from "../../functions/tts/http.ts";
import { fakeTts } from "../support/fake-tts.ts";
import { ttsStepContext } from "./tts-step-context.ts";

const API_KEY = "NNSXS.SECRET-KEY-THAT-MUST-NOT-LEAK";
const secretsMock = mockClient(SecretsManagerClient);
afterAll(() => secretsMock.restore());

function newHandler(fetchImpl: typeof fetch, env: Record<string, string> = {}) {
  const context = ttsStepContext(contextFromEnvironment, fetchImpl, env);
  return createEnqueueDownlinkHandler(() => context);
}

const input = (body: Record<string, unknown> = {}) => ({
  request: parseDownlinkRequestValue({ thingName: "0004A30B001C0530", bytes: "vu8=", fPort: 15, ...body }),
  applicationId: "app1",
  deviceId: "dev1",
  correlationIds: ["tts-aws-iot:downlink:x"],
  attempt: 1,
});

const ttsError =
  (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify({ code, message }), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });

beforeEach(() => {
  secretsMock.reset();
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ app1: API_KEY }) });
});

describe("enqueue-downlink (one push)", () => {
  it("pushes the downlink with the application's key and TTS's body", async () => {
    const tts = fakeTts(() => new Response("{}", { status: 200 }));
    const result = await newHandler(tts.fetchImpl)(input({ confirmed: true }));

    expect(result).toEqual({
      outcome: "enqueued",
      path: "/api/v3/as/applications/app1/devices/dev1/down/push",
      failure: null,
      retryInSeconds: 0,
    });
    expect(tts.calls).toHaveLength(1);
    expect(tts.calls[0]!.url).toBe(
      "https://eu1.cloud.thethings.network/api/v3/as/applications/app1/devices/dev1/down/push",
    );
    expect(new Headers(tts.calls[0]!.init.headers).get("authorization")).toBe(`Bearer ${API_KEY}`);
    expect(JSON.parse(tts.calls[0]!.init.body as string)).toEqual({
      downlinks: [
        {
          f_port: 15,
          frm_payload: "vu8=",
          confirmed: true,
          priority: "NORMAL",
          correlation_ids: ["tts-aws-iot:downlink:x"],
        },
      ],
    });
  });

  it("reads the secret once per container", async () => {
    const tts = fakeTts(() => new Response("{}"));
    const handler = newHandler(tts.fetchImpl);
    await handler(input());
    await handler(input());
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it.each([
    [503, 14],
    [500, 13],
    [502, 14],
    [408, 4],
  ])("calls HTTP %i an unknown outcome: TTS may have queued it before failing", async (status, code) => {
    const tts = fakeTts(ttsError(status, code, "busy"));
    const result = await newHandler(tts.fetchImpl)(input());
    expect(result).toMatchObject({
      outcome: "unknown",
      failure: { code: "tts_unavailable", message: `TTS answered ${status}: busy` },
    });
    expect(tts.calls).toHaveLength(1);
  });

  it("calls a rate limit (429) unavailable: TTS did nothing, and asks to wait out its Retry-After (bounded)", async () => {
    const tts = fakeTts(ttsError(429, 8, "rate limited", { "retry-after": "7" }));
    const result = await newHandler(tts.fetchImpl, { TTS_RETRY_AFTER_MAX_SECONDS: "5" })(input());
    expect(result).toMatchObject({
      outcome: "unavailable",
      failure: { code: "tts_unavailable", message: "TTS answered 429: rate limited" },
      retryInSeconds: 5,
    });
  });

  it("waits in the workflow, not in the function: it returns at once even with a long Retry-After", async () => {
    const tts = fakeTts(ttsError(429, 8, "rate limited", { "retry-after": "3" }));
    const started = performance.now();
    const result = await newHandler(tts.fetchImpl)(input());
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.retryInSeconds).toBe(3);
  });

  it("treats no answer within the timeout as an unknown outcome", async () => {
    const hanging = (async (_url: string, init: RequestInit) =>
      new Promise((_, reject) =>
        init.signal!.addEventListener("abort", () => reject(init.signal!.reason)),
      )) as unknown as typeof fetch;
    await expect(newHandler(hanging)(input())).resolves.toMatchObject({
      outcome: "unknown",
      failure: { code: "tts_unavailable", message: expect.stringContaining("no answer within 200 ms") },
    });
  });

  it("treats a reset connection as an unknown outcome (the body may have been read)", async () => {
    const reset = (async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } });
    }) as unknown as typeof fetch;
    await expect(newHandler(reset)(input())).resolves.toMatchObject({ outcome: "unknown" });
  });

  it("treats a refused connection as unavailable: the request never left", async () => {
    const refused = (async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    }) as unknown as typeof fetch;
    await expect(newHandler(refused)(input())).resolves.toMatchObject({
      outcome: "unavailable",
      failure: { code: "tts_unavailable", message: expect.stringContaining("ECONNREFUSED") },
    });
  });

  it("asks for a growing, jittered wait before the next push", () => {
    expect([1, 2, 3, 4, 9].map((attempt) => backoffSeconds(attempt, () => 0.999))).toEqual([2, 4, 8, 16, 16]);
    expect(backoffSeconds(3, () => 0)).toBe(1);
  });

  it.each([
    [401, 16, "tts_unauthorized", 16],
    [403, 7, "tts_unauthorized", 7],
    [404, 5, "tts_device_not_found", 5],
    [400, 3, "tts_rejected", 3],
    [412, 9, "tts_rejected", 9],
  ])("returns HTTP %i as a final failure (%s)", async (status, ttsCode, code, grpcCode) => {
    const tts = fakeTts(ttsError(status, ttsCode, `error:pkg/x:y (refused ${status})`));
    const result = await newHandler(tts.fetchImpl)(input());
    expect(result).toEqual({
      outcome: "refused",
      path: "/api/v3/as/applications/app1/devices/dev1/down/push",
      retryInSeconds: expect.any(Number),
      failure: {
        code,
        message: `TTS answered ${status}: error:pkg/x:y (refused ${status})`,
        grpcCode,
        attributes: { application_id: "app1", device_id: "dev1", http_status: status },
      },
    });
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });

  it("forgets the cached key when TTS refuses it, so a rotated key is picked up", async () => {
    const tts = fakeTts(ttsError(401, 16, "unknown key"), () => new Response("{}"));
    const handler = newHandler(tts.fetchImpl);
    await handler(input());
    await handler(input());
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("reports an application without key as tts_api_key_missing, without calling TTS", async () => {
    const tts = fakeTts(() => new Response("{}"));
    const result = await newHandler(tts.fetchImpl)({ ...input(), applicationId: "other-app" });
    expect(result.failure).toMatchObject({ code: "tts_api_key_missing" });
    expect(tts.calls).toHaveLength(0);
  });

  it("reports a malformed secret as tts_api_key_missing, without echoing it", async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: API_KEY });
    const result = await newHandler(fakeTts(() => new Response("{}")).fetchImpl)(input());
    expect(result.failure).toMatchObject({
      code: "tts_api_key_missing",
      message: expect.stringContaining("is not JSON"),
    });
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });

  it("reports a secret without value (deployed, key not put yet) as tts_api_key_missing", async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: "no value", $metadata: {} }));
    const result = await newHandler(fakeTts(() => new Response("{}")).fetchImpl)(input());
    expect(result.failure).toMatchObject({ code: "tts_api_key_missing" });
  });

  it("finds a key put after a miss at the next downlink (misses are not cached)", async () => {
    const tts = fakeTts(() => new Response("{}"));
    secretsMock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: "{}" })
      .resolves({ SecretString: JSON.stringify({ app1: API_KEY }) });
    const handler = newHandler(tts.fetchImpl);
    expect((await handler(input())).failure).toMatchObject({ code: "tts_api_key_missing" });
    expect(await handler(input())).toMatchObject({ outcome: "enqueued" });
  });

  it("refuses a TTS URL with credentials in it", () => {
    expect(() =>
      loadSettings("enqueue-downlink", {
        TTS_URL: "https://user:pw@eu1.cloud.thethings.network",
        TTS_API_KEY_SECRET_ARN: "x",
      }),
    ).toThrow(/TTS_URL must not contain a user name or password/);
  });
});

describe("retryAfterSeconds", () => {
  it("reads seconds and HTTP dates", () => {
    expect(retryAfterSeconds("5")).toBe(5);
    expect(retryAfterSeconds(new Date(10_000).toUTCString(), 4_000)).toBe(6);
    expect(retryAfterSeconds("soon")).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
  });
});
