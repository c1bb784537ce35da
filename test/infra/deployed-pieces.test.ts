/** infra/deployed-pieces.ts: which functions an environment deploys, from the catalogue's `deployedWith`. */
import { describe, expect, it } from "vitest";
import { FUNCTIONS } from "../../functions/catalogue.ts";
import type { EnvironmentInput } from "../../infra/config/environment-schema.ts";
import { parseDeploymentConfig } from "../../infra/config/load-config.ts";
import { deployedFunctionNames } from "../../infra/deployed-pieces.ts";
import { TEST_ENVIRONMENT, TTS_WITH_PUBSUB } from "./synthesized-stack.ts";

function functionsOf(environment: Partial<EnvironmentInput>): string[] {
  const [parsed] = parseDeploymentConfig({ environments: { test: { ...TEST_ENVIRONMENT, ...environment } } }, "test");
  return deployedFunctionNames(parsed!.config);
}

const PROVISIONING = [
  "validate-device-thing",
  "register-end-device",
  "register-root-keys",
  "record-provisioning",
  "provisioning-feedback",
];
const withoutProvisioning = { things: { ...TEST_ENVIRONMENT.things, provisioning: { enabled: false } } };

describe("deployedFunctionNames", () => {
  it("deploys every function when every feature is on", () => {
    expect(functionsOf({ tts: TTS_WITH_PUBSUB })).toEqual(Object.keys(FUNCTIONS));
  });

  it("leaves out configure-tts-pubsub unless Terraform configures the pub/sub", () => {
    expect(functionsOf({})).toEqual(Object.keys(FUNCTIONS).filter((name) => name !== "configure-tts-pubsub"));
  });

  it("leaves out the provisioning functions unless provisioning is on", () => {
    expect(functionsOf({ ...withoutProvisioning, tts: TTS_WITH_PUBSUB })).toEqual(
      Object.keys(FUNCTIONS).filter((name) => !PROVISIONING.includes(name)),
    );
    expect(functionsOf(withoutProvisioning)).toEqual([
      "ensure-thing",
      "update-shadow",
      "republish",
      "validate-downlink",
      "enqueue-downlink",
      "downlink-claim",
      "find-queued-downlink",
      "publish-feedback",
    ]);
  });
});
