/**
 * Reading an application's AWS IoT pub/sub from TTS v3 (`ApplicationPubSubRegistry.Get` and `List`,
 * lorawan-stack `api/ttn/lorawan/v3/applicationserver_pubsub.proto`; JSON as TTS marshals it: the
 * provider oneof as `aws_iot`, the deployment oneof as `default`, zero values omitted).
 */
import { describe, expect, it } from "vitest";
import {
  findAwsIotPubSub,
  parseAwsIotPubSub,
  pubSubMismatches,
  ttsPubSubId,
  ttsPubSubPath,
} from "../../../functions/tts/pubsub.ts";
import { fakeTtsRoutes } from "../../support/fake-tts.ts";

const ROLE = "arn:aws:iam::123456789012:role/prod-tts";

function applicationPubSub(pubSubId: string, overrides: { region?: string; arn?: string; stack?: string } = {}) {
  return {
    ids: { application_ids: { application_id: "app1" }, pub_sub_id: pubSubId },
    created_at: "2026-01-01T00:00:00Z",
    format: "json",
    aws_iot: {
      region: overrides.region ?? "eu-west-1",
      assume_role: { arn: overrides.arn ?? ROLE, external_id: "x" },
      endpoint_address: "abc-ats.iot.eu-west-1.amazonaws.com",
      default: { stack_name: overrides.stack ?? "prod" },
    },
  };
}

const target = {
  region: "eu-west-1",
  roleArn: ROLE,
  stackName: "prod",
  endpointAddress: "abc-ats.iot.eu-west-1.amazonaws.com",
};

describe("parseAwsIotPubSub and pubSubMismatches", () => {
  it("reads what an AWS IoT pub/sub points at; another provider is not one", () => {
    expect(parseAwsIotPubSub(applicationPubSub("aws-iot-prod"))).toEqual({
      pubSubId: "aws-iot-prod",
      region: "eu-west-1",
      roleArn: ROLE,
      endpointAddress: "abc-ats.iot.eu-west-1.amazonaws.com",
      stackName: "prod",
    });
    expect(parseAwsIotPubSub({ ids: { pub_sub_id: "nats" }, nats: { server_url: "nats://x" } })).toBeUndefined();
  });

  it("names each setting that points elsewhere; an endpoint TTS discovers itself is fine", () => {
    const found = parseAwsIotPubSub(applicationPubSub("p", { region: "us-east-1", stack: "staging" }))!;
    expect(pubSubMismatches(found, target)).toEqual([
      "region us-east-1 (expected eu-west-1)",
      "stack name staging (expected prod)",
    ]);
    expect(pubSubMismatches({ ...found, region: "eu-west-1", stackName: "prod", endpointAddress: "" }, target)).toEqual(
      [],
    );
    expect(pubSubMismatches({ ...found, region: "eu-west-1", stackName: "prod", roleArn: "" }, target)).toEqual([
      `role ARN not set (expected ${ROLE})`,
    ]);
  });
});

describe("findAwsIotPubSub", () => {
  const call = {
    ttsUrl: "https://tts.example",
    apiKey: "K",
    applicationId: "app1",
    stackName: "prod",
    timeoutMs: 1000,
  };
  const pubSubId = ttsPubSubId("prod");

  it("GETs the pub/sub by the id the stack gives it", async () => {
    const tts = fakeTtsRoutes({ [ttsPubSubPath("app1", pubSubId)]: { body: applicationPubSub(pubSubId) } });
    const lookup = await findAwsIotPubSub({ ...call, pubSubId }, tts.fetch);
    expect(lookup).toMatchObject({ kind: "found", pubSub: { pubSubId: "aws-iot-prod" } });
    expect(tts.requests.map((request) => request.path)).toEqual(["/api/v3/as/pubsub/app1/aws-iot-prod"]);
  });

  it("not under that id (entered by hand): lists the application's pub/subs and takes the one for the stack", async () => {
    const tts = fakeTtsRoutes({
      "/api/v3/as/pubsub/app1": {
        body: { pubsubs: [applicationPubSub("old", { stack: "staging" }), applicationPubSub("by-hand")] },
      },
    });
    const lookup = await findAwsIotPubSub({ ...call, pubSubId }, tts.fetch);
    expect(lookup).toMatchObject({ kind: "found", pubSub: { pubSubId: "by-hand" } });
    expect(tts.requests.map((request) => request.path)).toEqual([
      "/api/v3/as/pubsub/app1/aws-iot-prod",
      "/api/v3/as/pubsub/app1",
    ]);
  });

  it("none for the stack: absent, with the AWS IoT pub/subs the application has", async () => {
    const tts = fakeTtsRoutes({
      "/api/v3/as/pubsub/app1": { body: { pubsubs: [applicationPubSub("old", { stack: "staging" })] } },
    });
    expect(await findAwsIotPubSub({ ...call, pubSubId }, tts.fetch)).toMatchObject({
      kind: "absent",
      others: [{ pubSubId: "old", stackName: "staging" }],
    });
    const empty = fakeTtsRoutes({ "/api/v3/as/pubsub/app1": { body: {} } });
    expect(await findAwsIotPubSub({ ...call, pubSubId }, empty.fetch)).toEqual({ kind: "absent", others: [] });
  });

  it("a refusal other than not found is reported, not taken for absence", async () => {
    const tts = fakeTtsRoutes({
      [ttsPubSubPath("app1", pubSubId)]: { status: 403, body: { code: 7, message: "error:pkg/auth/rights:no_rights" } },
    });
    expect(await findAwsIotPubSub({ ...call, pubSubId }, tts.fetch)).toEqual({
      kind: "refused",
      status: 403,
      message: "TTS answered 403: error:pkg/auth/rights:no_rights",
    });
  });
});
