/** Where the CLI points, and that `--local` is the embedded default as `npm start` runs it. */
import { describe, expect, it } from "vitest";
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/aws/local-account.ts";
import { LOCAL_OPTIONS } from "../../local/runtime/config.ts";
import { DEFAULT_APPLICATION_ID } from "../../local/tts-simulator/index.ts";
import { formatDuration, parseDuration } from "../../operate/durations.ts";
import { LOCAL_DEFAULT } from "../../operate/local-default.ts";
import { awsCommand, logsSuccesses, resolveTarget } from "../../operate/target.ts";
import { UsageError } from "../../operate/usage-error.ts";

describe("LOCAL_DEFAULT", () => {
  it("is the embedded default's endpoint, region, credentials and stack name", () => {
    expect(LOCAL_DEFAULT.endpointUrl).toBe(`http://127.0.0.1:${LOCAL_OPTIONS["aws-port"].schema.parse(undefined)}`);
    expect(LOCAL_OPTIONS["bind-host"].schema.parse(undefined)).toBe("127.0.0.1");
    expect(LOCAL_DEFAULT.region).toBe(LOCAL_REGION);
    expect(LOCAL_DEFAULT.credentials).toEqual(LOCAL_CREDENTIALS);
    expect(LOCAL_DEFAULT.stackName).toBe(LOCAL_OPTIONS["stack-name"].schema.parse(undefined));
    expect(LOCAL_ACCOUNT_ID).toMatch(/^\d{12}$/);
  });

  it("names the simulator's TTS API and its one application", () => {
    expect(LOCAL_DEFAULT.tts.url).toBe(`http://127.0.0.1:${LOCAL_OPTIONS["tts-port"].schema.parse(undefined)}`);
    expect(LOCAL_DEFAULT.tts.applicationIds).toEqual([DEFAULT_APPLICATION_ID]);
  });

  it("names the embedded default's broker, for verify's republish stage", () => {
    expect(LOCAL_DEFAULT.mqttUrl).toBe(`mqtt://127.0.0.1:${LOCAL_OPTIONS["mqtt-port"].schema.parse(undefined)}`);
  });
});

describe("resolveTarget: the TTS side", () => {
  it("--tts-url and --tts-application override the configured or embedded default's TTS", () => {
    const local = resolveTarget({ local: true, ttsUrl: "http://127.0.0.1:9999" }, {});
    expect(local.tts).toEqual({ ...LOCAL_DEFAULT.tts, url: "http://127.0.0.1:9999" });
    expect(local.arguments).toEqual(["--local", "--tts-url", "http://127.0.0.1:9999"]);
    const bare = { endpointUrl: "http://127.0.0.1:1", stackName: "x" };
    expect(resolveTarget({ ...bare, ttsUrl: "http://h:1", ttsApplication: "app1" }, {}).tts).toEqual({
      url: "http://h:1",
      applicationIds: ["app1"],
      configurePubSub: false,
      provisioning: false,
    });
  });

  it("a bare --endpoint-url needs both, and the URL must be http(s): usage errors", () => {
    const bare = { endpointUrl: "http://127.0.0.1:1", stackName: "x" };
    expect(() => resolveTarget({ ...bare, ttsUrl: "http://h:1" }, {})).toThrow(UsageError);
    expect(() => resolveTarget({ local: true, ttsUrl: "h:1" }, {})).toThrow(UsageError);
  });
});

describe("resolveTarget", () => {
  const env = {
    AWS_PROFILE: "ops",
    AWS_ACCESS_KEY_ID: "AKIA-REAL",
    AWS_SECRET_ACCESS_KEY: "real",
    AWS_SESSION_TOKEN: "t",
  };

  it("--environment: the configuration's stack name and region, the caller's credentials", () => {
    const target = resolveTarget({ environment: "staging" }, env);
    expect(target.stackName).toBe("tts-staging");
    expect(target.sdkEnvironment).toMatchObject({
      AWS_REGION: "eu-west-1",
      AWS_PROFILE: "ops",
      AWS_ACCESS_KEY_ID: "AKIA-REAL",
    });
    expect(target.sdkEnvironment["AWS_ENDPOINT_URL"]).toBeUndefined();
    expect(target.tts).toMatchObject({ applicationIds: [expect.any(String)], configurePubSub: expect.any(Boolean) });
    expect(resolveTarget({ endpointUrl: "http://127.0.0.1:1", stackName: "x" }, env).tts).toBeUndefined();
  });

  it("--local: the embedded default with its credentials, never the caller's", () => {
    const target = resolveTarget({ local: true }, env);
    expect(target.stackName).toBe("local");
    expect(target.sdkEnvironment).toMatchObject({
      AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_SESSION_TOKEN: undefined,
    });
  });

  it("--local --environment: that environment's stack name, as `npm start -- --environment` runs it", () => {
    expect(resolveTarget({ local: true, environment: "production-meters" }, {}).stackName).toBe("tts-prod-meters");
  });

  it("--endpoint-url with --stack-name and --region", () => {
    const target = resolveTarget(
      { endpointUrl: "http://127.0.0.1:9999", stackName: "e2e", region: "eu-central-1" },
      {},
    );
    expect(target).toMatchObject({
      stackName: "e2e",
      sdkEnvironment: { AWS_ENDPOINT_URL: "http://127.0.0.1:9999", AWS_REGION: "eu-central-1" },
    });
  });

  it("aims the AWS CLI commands it prints at the target's region and endpoint", () => {
    const command = "iot delete-thing --thing-name t1";
    expect(awsCommand(resolveTarget({ environment: "staging" }, env), command)).toBe(
      "aws iot delete-thing --thing-name t1 --region eu-west-1",
    );
    expect(awsCommand(resolveTarget({ local: true }, env), command)).toBe(
      "aws iot delete-thing --thing-name t1 --region us-east-1 --endpoint-url http://127.0.0.1:4566",
    );
  });

  it.each([
    [{}, "say which deployment"],
    [{ local: true, endpointUrl: "http://x" }, "--local and --endpoint-url both name an endpoint"],
    [{ endpointUrl: "http://x" }, "--endpoint-url needs --stack-name or --environment"],
    [{ environment: "nope" }, "--environment nope: "],
    [{ local: true, stackName: "bad name" }, "--stack-name bad name: not a stack name"],
  ])("refuses %j with a usage error", (options, message) => {
    expect(() => resolveTarget(options, {})).toThrow(UsageError);
    expect(() => resolveTarget(options, {})).toThrow(message);
  });

  it("names the configuration file's problem as a usage error", () => {
    expect(() => resolveTarget({ environment: "staging" }, { TTS_AWS_IOT_CONFIG: "no-such-file.json" })).toThrow(
      /cannot read the deployment configuration .*no-such-file\.json/,
    );
  });
});

describe("durations", () => {
  it.each([
    ["90s", 90_000],
    ["30m", 1_800_000],
    ["1h", 3_600_000],
    ["1.5h", 5_400_000],
    ["2d", 172_800_000],
  ])("%s = %i ms", (text, ms) => expect(parseDuration(text, "--since")).toBe(ms));

  it.each(["", "1", "h", "1w", "-1h", "0m"])("refuses %j", (text) => {
    expect(() => parseDuration(text, "--since")).toThrow(UsageError);
  });

  it("formats durations for people", () => {
    expect([850, 1234, 125_000].map(formatDuration)).toEqual(["850ms", "1.2s", "2m5s"]);
  });
});

describe("resolveTarget: how the workflows log", () => {
  it("reads the environment's logging: verify can see successes only at ALL with execution data", () => {
    const staging = resolveTarget({ environment: "staging" }, {});
    expect(staging.workflowLogging).toEqual({ logLevel: "ALL", includeExecutionData: true });
    expect(logsSuccesses(staging)).toBe(true);
    const production = resolveTarget({ environment: "production-sensors" }, {});
    expect(production.workflowLogging).toEqual({ logLevel: "ERROR", includeExecutionData: true });
    expect(logsSuccesses(production)).toBe(false);
  });

  it("the embedded default logs everything; a bare endpoint is assumed to", () => {
    expect(logsSuccesses(resolveTarget({ local: true }, {}))).toBe(true);
    const bare = resolveTarget({ endpointUrl: "http://127.0.0.1:1", stackName: "x" }, {});
    expect(bare.workflowLogging).toBeUndefined();
    expect(logsSuccesses(bare)).toBe(true);
  });
});
