/** infra/deployed-pieces.ts: which functions an environment deploys, from the catalogue's `deployedWith`. */
import { describe, expect, it } from "vitest";
import { FUNCTIONS } from "../../functions/catalogue.ts";
import type { EnvironmentInput } from "../../infra/config/environment-schema.ts";
import { deployedFunctionNames } from "../../infra/deployed-pieces.ts";
import { TTS_WITH_PUBSUB, testDeployment, WITHOUT_PROVISIONING } from "./synthesized-stack.ts";

const functionsOf = (environment: Partial<EnvironmentInput>): string[] =>
  deployedFunctionNames(testDeployment(environment).config);

const PROVISIONING = [
  "validate-device-thing",
  "register-end-device",
  "register-root-keys",
  "record-provisioning",
  "provisioning-feedback",
];

describe("deployedFunctionNames", () => {
  it("deploys every function when every feature is on", () => {
    expect(functionsOf({ tts: TTS_WITH_PUBSUB })).toEqual(Object.keys(FUNCTIONS));
  });

  it("leaves out configure-tts-pubsub unless Terraform configures the pub/sub", () => {
    expect(functionsOf({})).toEqual(Object.keys(FUNCTIONS).filter((name) => name !== "configure-tts-pubsub"));
  });

  it("leaves out the provisioning functions unless provisioning is on", () => {
    expect(functionsOf({ ...WITHOUT_PROVISIONING, tts: TTS_WITH_PUBSUB })).toEqual(
      Object.keys(FUNCTIONS).filter((name) => !PROVISIONING.includes(name)),
    );
    expect(functionsOf(WITHOUT_PROVISIONING)).toEqual([
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
