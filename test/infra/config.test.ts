import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { TTS_PRINCIPAL_ACCOUNTS, ttsPrincipalAccount } from "../../infra/config/environment-schema.ts";
import {
  configFilePath,
  DEFAULT_CONFIG_FILE,
  DeploymentConfigError,
  loadDeploymentConfig,
  parseDeploymentConfig,
} from "../../infra/config/load-config.ts";
import { TEST_ENVIRONMENT } from "./synthesized-stack.ts";

const configWith = (environment: Record<string, unknown>, name = "staging") => ({
  environments: { [name]: { ...TEST_ENVIRONMENT, ...environment } },
});

function problemsOf(json: unknown): string {
  try {
    parseDeploymentConfig(json, "example.json");
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the configuration to be rejected");
}

describe("deployment configuration", () => {
  it("loads the committed example, several environments, with defaults filled in", () => {
    const { environments } = loadDeploymentConfig(resolve(DEFAULT_CONFIG_FILE));
    expect(environments.map((environment) => environment.name)).toEqual(["staging", "production"]);
    for (const { config } of environments) {
      expect(config.tts.applicationIds.length).toBeGreaterThan(0);
      expect(config.tts.url).toMatch(/^https:\/\//);
    }
  });

  it("defaults thing type, name scheme, shadow metrics, workflow logging, tracing, retention and backend", () => {
    const [environment] = parseDeploymentConfig({
      environments: {
        minimal: {
          stackName: "minimal",
          region: "us-east-1",
          tts: { flavour: "ttn", url: "https://eu1.cloud.thethings.network/", applicationIds: ["my-app"] },
        },
      },
    });
    expect(environment?.config).toEqual({
      stackName: "minimal",
      region: "us-east-1",
      tts: {
        flavour: "ttn",
        url: "https://eu1.cloud.thethings.network",
        applicationIds: ["my-app"],
        apiKeys: "manual",
        configurePubSub: false,
      },
      things: { typeName: "lorawan", nameScheme: "DevEUI", shadowMetrics: true, shadowDecodedPayload: false },
      workflows: { logLevel: "ALL", includeExecutionData: true, tracing: true },
      logRetentionDays: 30,
      alarmActions: [],
      tags: {},
    });
  });

  it("maps each TTS flavour to the account TTS assumes the role from", () => {
    const parse = (tts: Record<string, unknown>) =>
      parseDeploymentConfig(configWith({ tts: { url: "https://x.example.com", applicationIds: ["app"], ...tts } }))[0]!
        .config.tts;
    expect(ttsPrincipalAccount(parse({ flavour: "cloud" }))).toBe("097768003349");
    expect(ttsPrincipalAccount(parse({ flavour: "ttn" }))).toBe("678672909819");
    expect(ttsPrincipalAccount(parse({ flavour: "enterprise", principalAccountId: "123456789012" }))).toBe(
      "123456789012",
    );
    expect(TTS_PRINCIPAL_ACCOUNTS).toEqual({ cloud: "097768003349", ttn: "678672909819" });
  });

  it.each([
    [{ stackName: "1-starts-with-digit" }, 'environment "staging", field stackName: must match'],
    [{ stackName: "has_underscore" }, "field stackName"],
    [{ stackName: "a".repeat(33) }, "field stackName: must be at most 32 characters"],
    [{ region: "Ireland" }, "field region: must be an AWS region"],
    [
      { tts: { flavour: "enterprise", url: "https://x.example.com", applicationIds: ["app"] } },
      "field tts.principalAccountId",
    ],
    [
      { tts: { flavour: "ttn", url: "https://x.example.com", applicationIds: ["app"], configurePubSub: "yes" } },
      "field tts.configurePubSub",
    ],
    [
      { tts: { flavour: "cloud", url: "http://x.example.com", applicationIds: ["app"] } },
      "field tts.url: must be an https:// URL",
    ],
    [
      { tts: { flavour: "cloud", url: "https://x.example.com", applicationIds: [] } },
      "field tts.applicationIds: must list at least one",
    ],
    [
      { tts: { flavour: "cloud", url: "https://x.example.com", applicationIds: ["Bad_Id"] } },
      "field tts.applicationIds.0",
    ],
    [{ tts: { flavour: "aws", url: "https://x.example.com", applicationIds: ["app"] } }, "field tts.flavour"],
    [{ things: { nameScheme: "Serial" } }, "field things.nameScheme"],
    [{ workflows: { logLevel: "DEBUG" } }, "field workflows.logLevel"],
    [{ logRetentionDays: 10 }, "field logRetentionDays: must be one of CloudWatch's retention periods"],
    [
      { stateBackend: { type: "local", path: "/var/state/x.tfstate" } },
      "field stateBackend.path: must be a relative path",
    ],
    [{ stateBackend: { type: "s3", bucket: "b", key: "k", region: "eu-west-1" } }, "field stateBackend.bucket"],
    [{ logRetentionDay: 14 }, 'environment "staging", Unrecognized key: "logRetentionDay"'],
    [{ things: { shadowMetric: false } }, 'field things: Unrecognized key: "shadowMetric"'],
  ])("rejects %j naming environment and field", (environment, message) => {
    expect(problemsOf(configWith(environment))).toContain(message);
  });

  it("reports every environment's problems at once", () => {
    const message = problemsOf({
      environments: {
        staging: { ...TEST_ENVIRONMENT, region: "x" },
        production: { ...TEST_ENVIRONMENT, stackName: "other", logRetentionDays: 2 },
      },
    });
    expect(message).toContain('environment "staging", field region');
    expect(message).toContain('environment "production", field logRetentionDays');
  });

  it("rejects two environments with one stack name in one region", () => {
    expect(problemsOf({ environments: { a: TEST_ENVIRONMENT, b: TEST_ENVIRONMENT } })).toContain(
      'environment "b", field stackName: "test-stack" in eu-west-1 is already environment "a"\'s',
    );
  });

  it("rejects environment names Terraform stacks cannot have, and an empty file", () => {
    expect(problemsOf({ environments: { "my env": TEST_ENVIRONMENT } })).toContain("environment names must match");
    expect(problemsOf({ environments: {} })).toContain("at least one environment");
  });

  it("reads the file TTS_AWS_IOT_CONFIG names, and says which file is broken", () => {
    expect(configFilePath({}, "/project")).toBe(resolve("/project", DEFAULT_CONFIG_FILE));
    expect(configFilePath({ TTS_AWS_IOT_CONFIG: "configs/other.json" }, "/project")).toBe(
      resolve("/project/configs/other.json"),
    );

    const directory = mkdtempSync(join(tmpdir(), "tts-aws-iot-config-"));
    const file = join(directory, "broken.json");
    writeFileSync(file, "{ not json");
    expect(() => loadDeploymentConfig(file)).toThrow(`${file} is not valid JSON`);
    expect(() => loadDeploymentConfig(join(directory, "missing.json"))).toThrow(
      "cannot read the deployment configuration",
    );
  });
});
