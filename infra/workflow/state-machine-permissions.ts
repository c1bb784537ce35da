/**
 * A state machine's permissions, derived from its ASL rather than written by hand: whatever a Task
 * calls is allowed, nothing else. `lambda:invoke` tasks may invoke exactly the functions they name
 * (and their versions/aliases, `:*`); each direct SDK integration maps to its IAM action on the
 * narrowest resource; any other `Resource` fails the synth, so a new kind of task cannot ship with
 * permissions nobody wrote.
 */

import { allStates, type StateMachineDefinition } from "../../workflows/asl.ts";
import { LAMBDA_INVOKE as LAMBDA_INVOKE_RESOURCE } from "../../workflows/lambda-task.ts";
import type { Account } from "../account.ts";
import { allow, type PolicyStatement } from "../iam/policy-document.ts";

/** Direct SDK integrations our workflows may use, with the permission each one needs. */
export const SDK_INTEGRATIONS: Readonly<Record<string, (account: Account) => PolicyStatement>> = {
  // Step Functions calls IoT with the state machine's role; things are named by the devices.
  "arn:aws:states:::aws-sdk:iot:describeThing": (account) =>
    allow(["iot:DescribeThing"], [account.iot("thing/*")], "DescribeAnyDeviceThing"),
};

/**
 * @param knownFunctionArns the ARNs `arnOf` handed to the ASL builder, in catalogue order
 */
export function stateMachinePermissions(
  workflow: string,
  definition: StateMachineDefinition,
  knownFunctionArns: readonly string[],
  account: Account,
): PolicyStatement[] {
  const invoked = new Set<string>();
  const sdkResources = new Set<string>();
  for (const { path, state } of allStates(definition, `${workflow}/`)) {
    if (state.Type !== "Task") continue;
    if (state.Resource === LAMBDA_INVOKE_RESOURCE) {
      const functionName = state.Parameters?.["FunctionName"];
      if (typeof functionName !== "string" || !knownFunctionArns.includes(functionName)) {
        throw new Error(
          `workflow ${workflow}, state ${path}: lambda:invoke must name one of the catalogue's functions through arnOf(); ` +
            `got ${JSON.stringify(functionName)} (a dynamic "FunctionName.$" cannot be scoped by IAM)`,
        );
      }
      invoked.add(functionName);
    } else if (state.Resource in SDK_INTEGRATIONS) {
      sdkResources.add(state.Resource);
    } else {
      throw new Error(
        `workflow ${workflow}, state ${path}: no IAM permissions are known for Resource ${state.Resource}; ` +
          `add it to SDK_INTEGRATIONS in infra/workflow/state-machine-permissions.ts`,
      );
    }
  }

  const statements: PolicyStatement[] = [];
  const functionArns = knownFunctionArns.filter((arn) => invoked.has(arn));
  if (functionArns.length > 0) {
    statements.push(
      allow(
        ["lambda:InvokeFunction"],
        functionArns.flatMap((arn) => [arn, `${arn}:*`]),
        "InvokeWorkflowFunctions",
      ),
    );
  }
  for (const resource of [...sdkResources].sort()) {
    const statement = SDK_INTEGRATIONS[resource];
    if (statement !== undefined) statements.push(statement(account));
  }
  return statements;
}
