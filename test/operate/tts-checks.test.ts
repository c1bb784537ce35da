/** doctor's TTS checks over a TTS answering from a table: each broken case gives its ✗ with a fix. */
import { describe, expect, it } from "vitest";
import { ttsPubSubPath, ttsRoleName } from "../../functions/tts/pubsub.ts";
import { ttsRightsPath } from "../../functions/tts/rights.ts";
import { type TtsCheckContext, ttsChecks } from "../../operate/doctor/tts-checks.ts";
import { type FakeTtsAnswer, fakeTtsRoutes } from "../support/fake-tts.ts";

const APP = "app1";
const ROLE = `arn:aws:iam::123456789012:role/${ttsRoleName("prod")}`;
const ALL_NEEDED = ["RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"];

function pubSub(pubSubId: string, stackName = "prod", region = "eu-west-1") {
  return {
    ids: { application_ids: { application_id: APP }, pub_sub_id: pubSubId },
    aws_iot: { region, assume_role: { arn: ROLE }, default: { stack_name: stackName } },
  };
}

const HEALTHY: Record<string, FakeTtsAnswer> = {
  [ttsRightsPath(APP)]: { body: { rights: ["RIGHT_APPLICATION_INFO", ...ALL_NEEDED] } },
  [ttsPubSubPath(APP, "aws-iot-prod")]: { body: pubSub("aws-iot-prod") },
};

async function check(
  answers: Record<string, FakeTtsAnswer>,
  overrides: Partial<TtsCheckContext> = {},
): Promise<{ check: string; ok: boolean; detail: string; fix?: string; skipped?: true }[]> {
  const tts = fakeTtsRoutes(answers);
  return ttsChecks({
    stackName: "prod",
    tts: { url: "https://tts.example", applicationIds: [APP], configurePubSub: false, provisioning: false },
    secretName: "prod/tts-api-keys",
    apiKey: async () => ({ apiKey: "NNSXS.KEY" }),
    pubSubTarget: { region: "eu-west-1", roleArn: ROLE, stackName: "prod", endpointAddress: "" },
    putKeyFix: (applicationId) => `put ${applicationId}'s key`,
    pubSubFix: undefined,
    timeoutMs: 1000,
    transport: tts.fetch,
    ...overrides,
  });
}

describe("ttsChecks", () => {
  it("healthy: the key is there, has the rights, and the pub/sub points at this deployment", async () => {
    const results = await check(HEALTHY);
    expect(results.map(({ check, ok, skipped }) => ({ check, ok, skipped }))).toEqual([
      { check: "TTS API key of application app1", ok: true, skipped: undefined },
      { check: "TTS rights of application app1's key", ok: true, skipped: undefined },
      { check: "TTS pub/sub of application app1", ok: true, skipped: undefined },
    ]);
    expect(results[2]!.detail).toBe("aws-iot-prod (stack prod, eu-west-1) points at this deployment");
  });

  it("no key in the secret: ✗ with the put command; the TTS checks that need it are skipped, not failed", async () => {
    const results = await check(HEALTHY, { apiKey: async () => ({ missing: "no TTS API key for application app1" }) });
    expect(results[0]).toMatchObject({ ok: false, fix: "put app1's key" });
    expect(results.slice(1).every((result) => result.ok && result.skipped)).toBe(true);
  });

  it("a key without downlink rights: ✗ naming the right, and where in TTS to grant it", async () => {
    const results = await check({
      ...HEALTHY,
      [ttsRightsPath(APP)]: { body: { rights: ["RIGHT_APPLICATION_TRAFFIC_READ"] } },
    });
    expect(results[1]).toEqual({
      check: "TTS rights of application app1's key",
      ok: false,
      detail: "lacks RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE (to enqueue downlinks (down/push, down/replace))",
      fix: "grant the key RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE in the TTS console: Applications › app1 › API keys",
    });
    expect(results[2]).toEqual(expect.objectContaining({ ok: true }));
    expect(results[2]).not.toHaveProperty("skipped");
  });

  it("configurePubSub: the key also needs settings basic, and the fix for the pub/sub is the stack's", async () => {
    const results = await check(
      { ...HEALTHY, [ttsPubSubPath(APP, "aws-iot-prod")]: { body: pubSub("aws-iot-prod", "other") } },
      {
        tts: { url: "https://tts.example", applicationIds: [APP], configurePubSub: true, provisioning: false },
        pubSubFix: "re-apply",
      },
    );
    expect(results[1]).toMatchObject({
      ok: false,
      detail: expect.stringContaining("RIGHT_APPLICATION_SETTINGS_BASIC"),
    });
    expect(results[2]).toMatchObject({ ok: false, fix: "re-apply" });
  });

  it("TTS refuses the key (401): ✗ with how to replace it; the pub/sub is not checked", async () => {
    const results = await check({
      [ttsRightsPath(APP)]: { status: 401, body: { code: 16, message: "token_not_found" } },
    });
    expect(results[1]).toMatchObject({ ok: false, detail: "TTS answered 401: token_not_found" });
    expect(results[1]!.fix).toContain("put app1's key");
    expect(results[2]).toMatchObject({ ok: true, skipped: true });
  });

  it("pub/sub missing: ✗ with the values to enter in TTS", async () => {
    const results = await check({
      [ttsRightsPath(APP)]: HEALTHY[ttsRightsPath(APP)]!,
      "/api/v3/as/pubsub/app1": { body: {} },
    });
    expect(results[2]).toMatchObject({ ok: false, detail: "no AWS IoT pub/sub for stack prod" });
    expect(results[2]!.fix).toContain(`role ARN ${ROLE}`);
  });

  it("pub/sub pointing elsewhere: ✗ naming what differs", async () => {
    const results = await check({
      ...HEALTHY,
      [ttsPubSubPath(APP, "aws-iot-prod")]: { body: pubSub("aws-iot-prod", "prod", "us-east-1") },
    });
    expect(results[2]).toMatchObject({
      ok: false,
      detail: "aws-iot-prod points elsewhere: region us-east-1 (expected eu-west-1)",
    });
  });

  it("TTS unreachable: ✗ pointing at tts.url", async () => {
    const results = await check(HEALTHY, {
      tts: { url: "http://127.0.0.1:1", applicationIds: [APP], configurePubSub: false, provisioning: false },
      transport: undefined,
    });
    expect(results[1]).toMatchObject({
      ok: false,
      fix: expect.stringContaining("check the TTS URL (http://127.0.0.1:1"),
    });
  });
});
