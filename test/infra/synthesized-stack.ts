/**
 * Synthesizes the integration stack of a test environment and hands out the parsed Terraform JSON,
 * with helpers to find resources by type and by their properties.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import type { EnvironmentInput } from "../../infra/config/environment-schema.ts";
import { parseDeploymentConfig } from "../../infra/config/load-config.ts";
import { IntegrationStack } from "../../infra/integration-stack.ts";

export type TerraformJson = {
  terraform: {
    backend: Record<string, Record<string, unknown>>;
    required_providers: Record<string, { version: string }>;
  };
  provider: Record<string, Record<string, unknown>[]>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  variable?: Record<string, Record<string, unknown>>;
};

export const TEST_ENVIRONMENT: EnvironmentInput = {
  stackName: "test-stack",
  region: "eu-west-1",
  tts: {
    flavour: "cloud",
    url: "https://example.eu1.cloud.thethings.industries",
    applicationIds: ["app-one"],
  },
  // Provisioning on, so that every function and workflow of the catalogue is deployed and looked at.
  things: {
    typeName: "lorawan",
    nameScheme: "DevEUI",
    shadowMetrics: true,
    shadowDecodedPayload: false,
    provisioning: { enabled: true, frequencyPlanId: "EU_863_870_TTN" },
  },
  workflows: { logLevel: "ALL", includeExecutionData: true, tracing: true },
  logRetentionDays: 30,
  tags: { Owner: "tests" },
};

/** TTS settings with `configurePubSub` on (which needs the keys from the Terraform variable). */
export const TTS_WITH_PUBSUB: EnvironmentInput["tts"] = {
  flavour: "cloud",
  url: "https://example.eu1.cloud.thethings.industries",
  applicationIds: ["app-one"],
  apiKeys: "terraform-variable",
  configurePubSub: true,
};

/**
 * Stands in for esbuild, which takes seconds per function: these tests look at the stack around the
 * code. The real bundles are tested in test/e2e/ (bundle.test.ts, and main-synth.test.ts through `main.ts`).
 */
const standInBundle = (entry: string): Uint8Array =>
  new TextEncoder().encode(`export const handler = async () => ${JSON.stringify(entry)};\n`);

/** TEST_ENVIRONMENT with `environment`'s sections instead, parsed as `tts-aws-iot.config.json` is. */
export function testDeployment(environment: Partial<EnvironmentInput> = {}, name = "test") {
  const [parsed] = parseDeploymentConfig({ environments: { [name]: { ...TEST_ENVIRONMENT, ...environment } } }, "test");
  if (parsed === undefined) throw new Error("no environment");
  return parsed;
}

/** TEST_ENVIRONMENT's `things` with provisioning off. */
export const WITHOUT_PROVISIONING: Partial<EnvironmentInput> = {
  things: { ...TEST_ENVIRONMENT.things, provisioning: { enabled: false } },
};

export function synthesize(environment: Partial<EnvironmentInput> = {}, name = "test"): TerraformJson {
  const parsed = testDeployment(environment, name);
  // A temporary bundle directory per synth, gone once the JSON is out: tests never write into the project.
  const bundleCache = mkdtempSync(join(tmpdir(), "tts-aws-iot-bundles-"));
  try {
    const stack = new IntegrationStack(Testing.app(), parsed.name, {
      config: parsed.config,
      bundleCache,
      buildBundle: standInBundle,
    });
    return JSON.parse(Testing.synth(stack)) as TerraformJson;
  } finally {
    rmSync(bundleCache, { recursive: true, force: true });
  }
}

export function resourcesOf(json: TerraformJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource[type] ?? {});
}

export function resourceEntries(json: TerraformJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(json.resource[type] ?? {});
}

export function findResource(
  json: TerraformJson,
  type: string,
  property: string,
  value: unknown,
): Record<string, unknown> {
  const found = resourcesOf(json, type).find((resource) => resource[property] === value);
  if (found === undefined) throw new Error(`no ${type} with ${property} = ${JSON.stringify(value)}`);
  return found;
}

/** `${aws_lambda_function.<id>.arn}` of the function with that name. */
export function referenceTo(
  json: TerraformJson,
  type: string,
  property: string,
  value: unknown,
  attribute: string,
): string {
  const entry = resourceEntries(json, type).find(([, resource]) => resource[property] === value);
  if (entry === undefined) throw new Error(`no ${type} with ${property} = ${JSON.stringify(value)}`);
  return `\${${type}.${entry[0]}.${attribute}}`;
}
