/**
 * doctor's function check against Lambda's documented answers (AWS Lambda API reference,
 * "GetFunctionConfiguration": `State` Pending | Active | Inactive | Failed with `StateReason`,
 * `LastUpdateStatus` InProgress | Successful | Failed; a missing function is `ResourceNotFoundException`).
 */
import { GetFunctionConfigurationCommand, LambdaClient, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { checkFunctions } from "../../operate/doctor/function-checks.ts";

const lambda = new LambdaClient({ region: "eu-west-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
const mock = mockClient(lambda);
const fixes = { deploy: "npx cdktf deploy prod" };

afterEach(() => mock.reset());

describe("checkFunctions", () => {
  it("✓ when every function exists and can run; an Inactive one (idle) counts as fine", async () => {
    mock.on(GetFunctionConfigurationCommand, { FunctionName: "prod-republish" }).resolves({ State: "Inactive" });
    mock.on(GetFunctionConfigurationCommand, { FunctionName: "prod-ensure-thing" }).resolves({
      State: "Active",
      LastUpdateStatus: "Successful",
    });
    expect(await checkFunctions(lambda, ["prod-ensure-thing", "prod-republish"], fixes)).toEqual({
      check: "functions",
      ok: true,
      detail: "all 2 exist and can run",
    });
    expect(mock.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(2);
  });

  it("✗ naming each missing or failed function, with the deploy fix", async () => {
    mock
      .on(GetFunctionConfigurationCommand, { FunctionName: "prod-republish" })
      .rejects(new ResourceNotFoundException({ message: "Function not found", $metadata: {} }));
    mock
      .on(GetFunctionConfigurationCommand, { FunctionName: "prod-ensure-thing" })
      .resolves({ State: "Failed", StateReason: "The role cannot be assumed" });
    mock
      .on(GetFunctionConfigurationCommand, { FunctionName: "prod-update-shadow" })
      .resolves({ State: "Active", LastUpdateStatus: "Failed", LastUpdateStatusReason: "code too large" });
    expect(await checkFunctions(lambda, ["prod-ensure-thing", "prod-republish", "prod-update-shadow"], fixes)).toEqual({
      check: "functions",
      ok: false,
      detail:
        "prod-ensure-thing failed (The role cannot be assumed); prod-republish missing; prod-update-shadow last update failed (code too large)",
      fix: "npx cdktf deploy prod",
    });
  });

  it("lets other errors (e.g. AccessDenied) through for doctor to report", async () => {
    mock.on(GetFunctionConfigurationCommand).rejects(Object.assign(new Error("no"), { name: "AccessDeniedException" }));
    await expect(checkFunctions(lambda, ["prod-republish"], fixes)).rejects.toThrow("no");
  });
});
