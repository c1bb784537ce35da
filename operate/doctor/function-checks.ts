/**
 * `doctor`'s function check: every Lambda function the environment deploys exists and can run.
 * GetFunctionConfiguration gives `State` (Pending, Active, Inactive, Failed) and `LastUpdateStatus`
 * (InProgress, Successful, Failed) without the code's download URL that GetFunction adds. An `Inactive`
 * function (idle for weeks) is fine: Lambda reactivates it on the next invoke.
 */
import { GetFunctionConfigurationCommand, type LambdaClient, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { type CheckResult, failed, passed } from "./checks.ts";

export interface FunctionFixes {
  /** Redeploys the stack: what brings back a missing or broken function. */
  readonly deploy: string;
}

type FunctionProblem = { readonly name: string; readonly problem: string };

async function problemOf(lambda: LambdaClient, name: string): Promise<FunctionProblem | undefined> {
  try {
    const found = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (found.State === "Failed") return { name, problem: `failed (${found.StateReason ?? "no reason given"})` };
    if (found.LastUpdateStatus === "Failed") {
      return { name, problem: `last update failed (${found.LastUpdateStatusReason ?? "no reason given"})` };
    }
    return undefined;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return { name, problem: "missing" };
    throw error;
  }
}

export async function checkFunctions(
  lambda: LambdaClient,
  functionNames: readonly string[],
  fixes: FunctionFixes,
): Promise<CheckResult> {
  const check = "functions";
  const problems = (await Promise.all(functionNames.map((name) => problemOf(lambda, name)))).filter(
    (problem): problem is FunctionProblem => problem !== undefined,
  );
  if (problems.length === 0) return passed(check, `all ${functionNames.length} exist and can run`);
  return failed(check, problems.map(({ name, problem }) => `${name} ${problem}`).join("; "), fixes.deploy);
}
