import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  contextFromEnvironment,
  createConfigureTtsPubSubHandler,
} from "../../functions/configure-tts-pubsub/handler.ts";
import { AWS_IOT_PUBSUB_FIELD_MASK, deletePubSubRequest, setAwsIotPubSubRequest } from "../../functions/tts/pubsub.ts";
import { fakeTts } from "../support/fake-tts.ts";
import { ttsStepContext } from "./tts-step-context.ts";

const API_KEY = "NNSXS.SECRET-KEY-THAT-MUST-NOT-LEAK";
const EXTERNAL_ID = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd";
const secretsMock = mockClient(SecretsManagerClient);
afterAll(() => secretsMock.restore());

const pubSub = {
  applicationId: "app1",
  pubSubId: "aws-iot-tts-prod",
  region: "eu-west-1",
  roleArn: "arn:aws:iam::123456789012:role/tts-prod-tts",
  externalId: EXTERNAL_ID,
  endpointAddress: "abc123-ats.iot.eu-west-1.amazonaws.com",
  stackName: "tts-prod",
};

const event = (
  action: "create" | "update" | "delete",
  prev: Record<string, unknown> | null = null,
  body: Record<string, unknown> = {},
) => ({
  ...pubSub,
  ...body,
  tf: { action, prev_input: prev },
});

function newHandler(fetchImpl: typeof fetch) {
  const context = ttsStepContext(contextFromEnvironment, fetchImpl);
  return createConfigureTtsPubSubHandler(() => context);
}

const ok = () => new Response("{}", { status: 200 });
const ttsError = (status: number, code: number, message: string) => () =>
  new Response(JSON.stringify({ code, message }), { status, headers: { "content-type": "application/json" } });

async function thrown(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

beforeEach(() => {
  secretsMock.reset();
  secretsMock
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ app1: API_KEY, app2: "NNSXS.OTHER" }) });
});

describe("TTS pub/sub requests", () => {
  it("sets the AWS IoT pub/sub with PUT on the application's pub/sub, default integration, JSON format", () => {
    expect(setAwsIotPubSubRequest(pubSub)).toEqual({
      method: "PUT",
      path: "/api/v3/as/pubsub/app1/aws-iot-tts-prod",
      body: {
        pubsub: {
          ids: { application_ids: { application_id: "app1" }, pub_sub_id: "aws-iot-tts-prod" },
          format: "json",
          aws_iot: {
            region: "eu-west-1",
            endpoint_address: "abc123-ats.iot.eu-west-1.amazonaws.com",
            assume_role: { arn: "arn:aws:iam::123456789012:role/tts-prod-tts", external_id: EXTERNAL_ID },
            default: { stack_name: "tts-prod" },
          },
        },
        field_mask: {
          paths: [
            "format",
            "provider.aws_iot.region",
            "provider.aws_iot.endpoint_address",
            "provider.aws_iot.assume_role.arn",
            "provider.aws_iot.assume_role.external_id",
            "provider.aws_iot.deployment.default.stack_name",
          ],
        },
      },
    });
    expect(AWS_IOT_PUBSUB_FIELD_MASK).toHaveLength(6);
  });

  it("deletes with DELETE on the same path, without a body", () => {
    expect(deletePubSubRequest("app1", "aws-iot-tts-prod")).toEqual({
      method: "DELETE",
      path: "/api/v3/as/pubsub/app1/aws-iot-tts-prod",
    });
  });
});

describe("configure-tts-pubsub", () => {
  it("create: PUTs the pub/sub with the application's key", async () => {
    const tts = fakeTts(ok);
    const result = await newHandler(tts.fetchImpl)(event("create"));

    expect(result).toEqual({
      action: "create",
      applicationId: "app1",
      pubSubId: "aws-iot-tts-prod",
      calls: ["PUT /api/v3/as/pubsub/app1/aws-iot-tts-prod → 200"],
    });
    expect(tts.calls).toHaveLength(1);
    const [call] = tts.calls;
    expect(call?.url).toBe("https://eu1.cloud.thethings.network/api/v3/as/pubsub/app1/aws-iot-tts-prod");
    expect(call?.init.method).toBe("PUT");
    expect(call?.init.headers).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      "content-type": "application/json",
    });
    expect(JSON.parse(call?.init.body as string)).toEqual(setAwsIotPubSubRequest(pubSub).body);
    // The result goes into the Terraform state: no key, no ExternalId.
    expect(JSON.stringify(result)).not.toContain(API_KEY);
    expect(JSON.stringify(result)).not.toContain(EXTERNAL_ID);
  });

  it("update: PUTs again (TTS's Set is an upsert)", async () => {
    const tts = fakeTts(ok);
    await newHandler(tts.fetchImpl)(event("update", { ...pubSub, roleArn: "arn:aws:iam::123456789012:role/old" }));
    expect(tts.calls.map((call) => `${call.init.method} ${call.url}`)).toEqual([
      "PUT https://eu1.cloud.thethings.network/api/v3/as/pubsub/app1/aws-iot-tts-prod",
    ]);
  });

  it("update that moves the pub/sub: sets the new one, then deletes the previous one", async () => {
    const tts = fakeTts(ok, () => new Response(null, { status: 404 }));
    const result = await newHandler(tts.fetchImpl)(
      event("update", { ...pubSub, applicationId: "app2", pubSubId: "aws-iot-old" }),
    );
    expect(tts.calls.map((call) => `${call.init.method} ${call.url}`)).toEqual([
      "PUT https://eu1.cloud.thethings.network/api/v3/as/pubsub/app1/aws-iot-tts-prod",
      "DELETE https://eu1.cloud.thethings.network/api/v3/as/pubsub/app2/aws-iot-old",
    ]);
    // The previous application's own key.
    expect(tts.calls[1]?.init.headers).toMatchObject({ authorization: "Bearer NNSXS.OTHER" });
    expect(result.calls).toEqual([
      "PUT /api/v3/as/pubsub/app1/aws-iot-tts-prod → 200",
      "DELETE /api/v3/as/pubsub/app2/aws-iot-old → 404",
    ]);
  });

  it("delete: DELETEs the pub/sub", async () => {
    const tts = fakeTts(ok);
    const result = await newHandler(tts.fetchImpl)(event("delete", pubSub));
    expect(tts.calls).toHaveLength(1);
    expect(tts.calls[0]?.url).toBe("https://eu1.cloud.thethings.network/api/v3/as/pubsub/app1/aws-iot-tts-prod");
    expect(tts.calls[0]?.init.method).toBe("DELETE");
    expect(tts.calls[0]?.init.body).toBeUndefined();
    expect(result.calls).toEqual(["DELETE /api/v3/as/pubsub/app1/aws-iot-tts-prod → 200"]);
  });

  it("delete: 404 means already gone, which is success", async () => {
    const tts = fakeTts(ttsError(404, 5, "error:pkg/applicationserver/io/pubsub/redis:not_found (pubsub not found)"));
    const result = await newHandler(tts.fetchImpl)(event("delete", pubSub));
    expect(result.calls).toEqual(["DELETE /api/v3/as/pubsub/app1/aws-iot-tts-prod → 404"]);
  });

  it("create: 404 is a failure, not success", async () => {
    const tts = fakeTts(ttsError(404, 5, "error:pkg/applicationserver:application_not_found (application not found)"));
    const error = await thrown(newHandler(tts.fetchImpl)(event("create")));
    expect(error.name).toBe("TtsPubSubRefused");
  });

  it.each([
    [401, 16, "error:pkg/auth:token_not_found (token not found)"],
    [403, 7, "error:pkg/auth/rights:no_application_rights (no rights for application `app1`)"],
    [400, 3, "error:pkg/ttnpb:field_mask_paths (forbidden path(s) in field mask)"],
    [500, 13, "error:pkg/redis:store (store error)"],
  ])("TTS %i: a TtsPubSubRefused error with TTS's message", async (status, code, message) => {
    const tts = fakeTts(ttsError(status, code, message));
    const error = await thrown(newHandler(tts.fetchImpl)(event("create")));
    expect(error.name).toBe("TtsPubSubRefused");
    expect(error.message).toBe(`PUT /api/v3/as/pubsub/app1/aws-iot-tts-prod: TTS answered ${status}: ${message}`);
    expect((error as Error & { status: number }).status).toBe(status);
  });

  it("never puts the key in an error, even when TTS's message echoes it", async () => {
    const tts = fakeTts(ttsError(401, 16, `error:pkg/auth:token_invalid (token ${API_KEY} is invalid)`));
    const error = await thrown(newHandler(tts.fetchImpl)(event("delete", pubSub)));
    expect(error.name).toBe("TtsPubSubRefused");
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).toContain("<redacted>");
    expect(JSON.stringify(error)).not.toContain(API_KEY);
  });

  it("an unreachable TTS: TtsPubSubUnreachable, naming the timeout", async () => {
    const fetchImpl = (async (_url: string, init: RequestInit) =>
      new Promise((_, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      )) as unknown as typeof fetch;
    const error = await thrown(newHandler(fetchImpl)(event("create")));
    expect(error.name).toBe("TtsPubSubUnreachable");
    expect(error.message).toContain("no answer within 200 ms");
    expect(error.message).not.toContain(API_KEY);
  });

  it("no key for the application: TtsApiKeyMissing, TTS not called", async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ other: API_KEY }) });
    const tts = fakeTts(ok);
    const error = await thrown(newHandler(tts.fetchImpl)(event("create")));
    expect(error.name).toBe("TtsApiKeyMissing");
    expect(error.message).toContain('"app1"');
    expect(tts.calls).toHaveLength(0);
  });

  it("a secret that is not JSON: TtsApiKeyMissing without echoing it", async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: API_KEY });
    const error = await thrown(newHandler(fakeTts(ok).fetchImpl)(event("create")));
    expect(error.name).toBe("TtsApiKeyMissing");
    expect(error.message).not.toContain(API_KEY);
  });

  it("reads the secret on every invocation (keys may have been put between two applies)", async () => {
    const handler = newHandler(fakeTts(ok).fetchImpl);
    await handler(event("create"));
    await handler(event("update", pubSub));
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("refuses an input without the provider's lifecycle information, or with a bad id, without echoing the ExternalId", async () => {
    const handler = newHandler(fakeTts(ok).fetchImpl);
    const missing = await thrown(handler({ ...pubSub } as never));
    expect(missing.name).toBe("InvalidStepInput");
    expect(missing.message).toContain("tf");
    const badId = await thrown(handler(event("create", null, { pubSubId: "Not_Valid" })));
    expect(badId.message).toContain("pubSubId");
    expect(badId.message).not.toContain(EXTERNAL_ID);
  });
});
