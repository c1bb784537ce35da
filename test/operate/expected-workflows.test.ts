/** operate/expected-workflows.ts: which workflows doctor, executions and replay look for. */
import { describe, expect, it } from "vitest";
import type { EnvironmentInput } from "../../infra/config/environment-schema.ts";
import { expectedWorkflows, workflowPresence } from "../../operate/expected-workflows.ts";
import { testDeployment, WITHOUT_PROVISIONING } from "../infra/synthesized-stack.ts";

const deployment = (environment: Partial<EnvironmentInput>) => ({ deployment: testDeployment(environment).config });
const provisioningOff = deployment(WITHOUT_PROVISIONING);

describe("workflowPresence", () => {
  it("with a configuration: what it deploys is required, what it leaves off is not looked for", () => {
    const provisioningOn = deployment({});
    expect(workflowPresence(provisioningOn, "provisioning")).toBe("required");
    expect(workflowPresence(provisioningOn, "upstream")).toBe("required");
    expect(workflowPresence(provisioningOff, "provisioning")).toBe("absent");
    expect(workflowPresence(provisioningOff, "downlink")).toBe("required");
  });

  it("without one (--local, --endpoint-url): every workflow, provisioning only if it is there", () => {
    const unknown = { deployment: undefined };
    expect(workflowPresence(unknown, "provisioning")).toBe("ifPresent");
    expect(workflowPresence(unknown, "upstream")).toBe("required");
    expect(workflowPresence(unknown, "downlink")).toBe("required");
  });
});

describe("expectedWorkflows (what executions reads and replay empties)", () => {
  it("leaves off what the configuration does not deploy, so its leftovers are not looked at", () => {
    expect(expectedWorkflows(provisioningOff).map(({ workflow }) => workflow)).toEqual(["upstream", "downlink"]);
    expect(expectedWorkflows(deployment({}))).toEqual([
      { workflow: "upstream", presence: "required" },
      { workflow: "downlink", presence: "required" },
      { workflow: "provisioning", presence: "required" },
    ]);
  });

  it("without a configuration: every workflow, the optional ones if present", () => {
    expect(expectedWorkflows({ deployment: undefined })).toEqual([
      { workflow: "upstream", presence: "required" },
      { workflow: "downlink", presence: "required" },
      { workflow: "provisioning", presence: "ifPresent" },
    ]);
  });
});
