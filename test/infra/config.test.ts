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
  it("loads the committed example: several environments, one application each, failures logged with their data", () => {
    const { environments } = loadDeploymentConfig(resolve(DEFAULT_CONFIG_FILE));
    expect(environments.map((environment) => environment.name)).toEqual([
      "staging",
      "production-sensors",
      "production-meters",
    ]);
    for (const { config } of environments) {
      expect(config.tts.applicationIds).toHaveLength(1);
      expect(config.tts.url).toMatch(/^https:\/\//);
      // A failed execution logged without its input cannot be diagnosed.
      if (config.workflows.logLevel !== "OFF") expect(config.workflows.includeExecutionData).toBe(true);
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
      things: {
        typeName: "lorawan",
        nameScheme: "DevEUI",
        shadowMetrics: true,
        shadowDecodedPayload: false,
        cacheTtlSeconds: 10_800,
        provisioning: {
          enabled: false,
          deleteInTts: false,
          lorawanVersion: "1.0.3",
          regionalParametersVersion: "1.0.3-a",
        },
      },
      // ERROR, not ALL: logging every execution's data would be most of the cost (docs/cost.md).
      workflows: { logLevel: "ERROR", includeExecutionData: true, tracing: true },
      logRetentionDays: 30,
      alarmActions: [],
      tags: {},
    });
  });

  it("takes a thing cache expiry within the function setting's bounds (1 s to a day)", () => {
    const ttl = (cacheTtlSeconds: unknown) =>
      parseDeploymentConfig(configWith({ things: { cacheTtlSeconds } }))[0]!.config.things.cacheTtlSeconds;
    expect(ttl(3_600)).toBe(3_600);
    expect(problemsOf(configWith({ things: { cacheTtlSeconds: 0 } }))).toContain("things.cacheTtlSeconds");
    expect(problemsOf(configWith({ things: { cacheTtlSeconds: 86_401 } }))).toContain("things.cacheTtlSeconds");
    expect(problemsOf(configWith({ things: { cacheTtlSeconds: 1.5 } }))).toContain("things.cacheTtlSeconds");
  });

  it.each([
    [{ enabled: true }, "things.provisioning.frequencyPlanId", "is required when provisioning is enabled"],
    [
      { deleteInTts: true, frequencyPlanId: "EU_863_870_TTN" },
      "things.provisioning.deleteInTts",
      "needs provisioning.enabled",
    ],
    [{ enabled: true, frequencyPlanId: "EU 868" }, "things.provisioning.frequencyPlanId", "frequency plan id"],
    [
      { enabled: true, frequencyPlanId: "EU_863_870_TTN", lorawanVersion: "1.0.4" },
      "things.provisioning.lorawanVersion",
      "",
    ],
  ])("refuses the provisioning settings %j (%s)", (provisioning, path, message) => {
    expect(() => parseDeploymentConfig(configWith({ things: { provisioning } }))).toThrow(path);
    if (message !== "") expect(() => parseDeploymentConfig(configWith({ things: { provisioning } }))).toThrow(message);
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
      "field tts.applicationIds: must list one application",
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

  it("rejects several TTS applications on one stack name, naming the field and why", () => {
    // TTS's AWS IoT provider connects the default integration as `thethings-<stack name>` whatever the
    // application (lorawan-stack pkg/applicationserver/io/pubsub/provider/awsiot), and AWS IoT
    // disconnects the older of two clients with one client id (AWS IoT Core developer guide, MQTT).
    const message = problemsOf(
      configWith({ tts: { flavour: "cloud", url: "https://x.example.com", applicationIds: ["app-a", "app-b"] } }),
    );
    expect(message).toContain('environment "staging", field tts.applicationIds: one TTS application per stack name');
    expect(message).toContain("same MQTT client id thethings-<stackName>");
  });

  it('refuses configurePubSub with apiKeys "manual": the secret is still empty when the apply invokes the function', () => {
    const tts = { flavour: "cloud", url: "https://x.example.com", applicationIds: ["app"], configurePubSub: true };
    expect(problemsOf(configWith({ tts }))).toContain(
      'field tts.configurePubSub: configurePubSub needs the API keys during the apply, but with apiKeys "manual"',
    );
    expect(problemsOf(configWith({ tts: { ...tts, apiKeys: "manual" } }))).toContain("field tts.configurePubSub");
    const [accepted] = parseDeploymentConfig(configWith({ tts: { ...tts, apiKeys: "terraform-variable" } }));
    expect(accepted?.config.tts.configurePubSub).toBe(true);
  });

  // IAM role names are unique per account (IAM User Guide, "IAM object quotas" / CreateRole's
  // EntityAlreadyExists) and so are CloudWatch dashboard names (dashboards are global, PutDashboard
  // overwrites a dashboard of that name): the same stack name clashes across regions.
  it("rejects one stack name in two environments of one account, whatever their regions", () => {
    const other = { ...TEST_ENVIRONMENT, region: "us-east-1", things: { typeName: "other-type" } };
    expect(problemsOf({ environments: { a: TEST_ENVIRONMENT, b: other } })).toContain(
      'environment "b", field stackName: "test-stack" is already environment "a"\'s; IAM role and CloudWatch dashboard names',
    );
  });

  it("accepts one stack name in two environments only when their accountIds say different accounts", () => {
    const inAccount = (accountId: string, region: string) => ({ ...TEST_ENVIRONMENT, accountId, region });
    const environments = parseDeploymentConfig({
      environments: { a: inAccount("111111111111", "eu-west-1"), b: inAccount("222222222222", "eu-west-1") },
    });
    expect(environments.map(({ config }) => config.accountId)).toEqual(["111111111111", "222222222222"]);
    expect(
      problemsOf({ environments: { a: inAccount("111111111111", "eu-west-1"), b: { ...TEST_ENVIRONMENT } } }),
    ).toContain('environment "b", field stackName');
  });

  // Thing type names are unique per account and region (AWS IoT API reference, CreateThingType: the
  // same name with another configuration is ResourceAlreadyExistsException; with the same one, both
  // stacks would own, deprecate and delete one thing type).
  it("rejects one thing type name in two environments of one account and region, not across regions", () => {
    const second = { ...TEST_ENVIRONMENT, stackName: "second" };
    expect(problemsOf({ environments: { a: TEST_ENVIRONMENT, b: second } })).toContain(
      'environment "b", field things.typeName: "lorawan" in eu-west-1 is already environment "a"\'s',
    );
    expect(
      parseDeploymentConfig({ environments: { a: TEST_ENVIRONMENT, b: { ...second, region: "us-east-1" } } }),
    ).toHaveLength(2);
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
