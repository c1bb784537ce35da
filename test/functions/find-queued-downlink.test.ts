import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  contextFromEnvironment,
  createFindQueuedDownlinkHandler,
} from "../../functions/find-queued-downlink/handler.ts";
import { fakeTts } from "../support/fake-tts.ts";
import { ttsStepContext } from "./tts-step-context.ts";

const API_KEY = "NNSXS.SECRET-KEY-THAT-MUST-NOT-LEAK";
const secretsMock = mockClient(SecretsManagerClient);
afterAll(() => secretsMock.restore());

function newHandler(fetchImpl: typeof fetch) {
  const context = ttsStepContext(contextFromEnvironment, fetchImpl);
  return createFindQueuedDownlinkHandler(() => context);
}

const input = { applicationId: "app1", deviceId: "dev 1", correlationId: "tts-aws-iot:downlink:x" };
const queue =
  (...correlationIds: string[][]) =>
  () =>
    Response.json({
      downlinks: correlationIds.map((ids, index) => ({
        f_port: 1,
        frm_payload: "AQ==",
        f_cnt: index,
        correlation_ids: ids,
      })),
    });

beforeEach(() => {
  secretsMock.reset();
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ app1: API_KEY }) });
});

describe("find-queued-downlink", () => {
  it("lists the device's queue (GET …/down, the application's key) and finds the correlation id", async () => {
    const tts = fakeTts(queue(["as:downlink:01J"], ["as:downlink:02K", "tts-aws-iot:downlink:x"]));
    await expect(newHandler(tts.fetchImpl)(input)).resolves.toEqual({ readable: true, found: true, failure: null });
    expect(tts.calls[0]!.url).toBe(
      "https://eu1.cloud.thethings.network/api/v3/as/applications/app1/devices/dev%201/down",
    );
    expect(tts.calls[0]!.init.method).toBe("GET");
    expect(new Headers(tts.calls[0]!.init.headers).get("authorization")).toBe(`Bearer ${API_KEY}`);
  });

  it("says absent when no queued downlink carries it, and reads TTS's empty queue ({}: zero fields omitted)", async () => {
    await expect(newHandler(fakeTts(queue(["other"])).fetchImpl)(input)).resolves.toMatchObject({ found: false });
    await expect(newHandler(fakeTts(() => Response.json({})).fetchImpl)(input)).resolves.toEqual({
      readable: true,
      found: false,
      failure: null,
    });
  });

  it.each([503, 500, 429])("throws TtsUnavailable (retried by the workflow) on HTTP %i", async (status) => {
    const tts = fakeTts(() => Response.json({ code: 14, message: "busy" }, { status }));
    await expect(newHandler(tts.fetchImpl)(input)).rejects.toMatchObject({
      name: "TtsUnavailable",
      message: `reading the device's downlink queue: TTS answered ${status}: busy`,
    });
  });

  it("throws TtsUnavailable when TTS does not answer in time", async () => {
    const hanging = (async (_url: string, init: RequestInit) =>
      new Promise((_, reject) =>
        init.signal!.addEventListener("abort", () => reject(init.signal!.reason)),
      )) as unknown as typeof fetch;
    await expect(newHandler(hanging)(input)).rejects.toMatchObject({
      name: "TtsUnavailable",
      message: expect.stringContaining("no answer within 200 ms"),
    });
  });

  it.each([
    [403, 7, "tts_unauthorized"],
    [404, 5, "tts_device_not_found"],
  ])("returns HTTP %i as an unreadable queue with the reason (%s), never the key", async (status, code, name) => {
    const tts = fakeTts(() => Response.json({ code, message: `no (${API_KEY})` }, { status }));
    const result = await newHandler(tts.fetchImpl)(input);
    expect(result).toMatchObject({
      readable: false,
      found: false,
      failure: { code: name, grpcCode: code, attributes: { http_status: status } },
    });
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });

  it("reports an application without key as unreadable (tts_api_key_missing), without calling TTS", async () => {
    const tts = fakeTts(queue());
    const result = await newHandler(tts.fetchImpl)({ ...input, applicationId: "other-app" });
    expect(result).toMatchObject({ readable: false, failure: { code: "tts_api_key_missing" } });
    expect(tts.calls).toHaveLength(0);
  });
});
