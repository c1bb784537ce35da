import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { IntegrationStack } from "../../infra/integration-stack.ts";

describe("IntegrationStack", () => {
  it("synthesizes offline with a relative local state path and the pinned AWS provider", () => {
    const app = Testing.app();
    const stack = new IntegrationStack(app, "staging", { stackName: "staging", region: "eu-west-1" });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.terraform.backend.local.path).toBe("terraform.staging.tfstate");
    expect(json.terraform.required_providers.aws.version).toBe("6.25.0");
    expect(json.provider.aws[0].region).toBe("eu-west-1");
  });
});
