/**
 * A state machine's permissions, derived from its ASL rather than written by hand: whatever a Task
 * calls is allowed, nothing else. `lambda:invoke` tasks may invoke exactly the functions they name
 * (and their versions/aliases, `:*`); each direct SDK integration maps to its IAM action on the
 * narrowest resource; any other `Resource` fails the synth, so a new kind of task cannot ship with
 * permissions nobody wrote.
 */
import type { Account } from "../account.ts";
import { allow, type PolicyStatement } from "../iam/policy-document.ts";
import { LAMBDA_INVOKE as LAMBDA_INVOKE_RESOURCE } from "../../workflows/lambda-task.ts";

/** Direct SDK integrations our workflows may use, with the permission each one needs. */
export const SDK_INTEGRATIONS: Readonly<Record<string, (account: Account) => PolicyStatement>> = {
  // Step Functions calls IoT with the state machine's role; things are named by the devices.
  "arn:aws:states:::aws-sdk:iot:describeThing": (account) =>
    allow(["iot:DescribeThing"], [account.iot("thing/*")], "DescribeAnyDeviceThing"),
};

interface TaskUse {
  readonly path: string;
  readonly resource: string;
  readonly functionName: unknown;
}

/**
 * @param knownFunctionArns the ARNs `arnOf` handed to the ASL builder, in catalogue order
 */
export function stateMachinePermissions(
  workflow: string,
  definition: unknown,
  knownFunctionArns: readonly string[],
  account: Account,
): PolicyStatement[] {
  const invoked = new Set<string>();
  const sdkResources = new Set<string>();
  for (const task of tasksOf(definition, workflow)) {
    if (task.resource === LAMBDA_INVOKE_RESOURCE) {
      if (typeof task.functionName !== "string" || !knownFunctionArns.includes(task.functionName)) {
        throw new Error(
          `workflow ${workflow}, state ${task.path}: lambda:invoke must name one of the catalogue's functions through arnOf(); ` +
            `got ${JSON.stringify(task.functionName)} (a dynamic "FunctionName.$" cannot be scoped by IAM)`,
        );
      }
      invoked.add(task.functionName);
    } else if (task.resource in SDK_INTEGRATIONS) {
      sdkResources.add(task.resource);
    } else {
      throw new Error(
        `workflow ${workflow}, state ${task.path}: no IAM permissions are known for Resource ${task.resource}; ` +
          `add it to SDK_INTEGRATIONS in infra/workflow/state-machine-permissions.ts`,
      );
    }
  }

  const statements: PolicyStatement[] = [];
  const functionArns = knownFunctionArns.filter((arn) => invoked.has(arn));
  if (functionArns.length > 0) {
    statements.push(allow(["lambda:InvokeFunction"], functionArns.flatMap((arn) => [arn, `${arn}:*`]), "InvokeWorkflowFunctions"));
  }
  for (const resource of [...sdkResources].sort()) {
    const statement = SDK_INTEGRATIONS[resource];
    if (statement !== undefined) statements.push(statement(account));
  }
  return statements;
}

/** Every Task state, through Parallel branches and Map processors, with a readable path. */
function* tasksOf(machine: unknown, path: string): Generator<TaskUse> {
  const states = record(record(machine)?.["States"]);
  if (states === undefined) throw new Error(`${path}: not a state machine definition (no States)`);
  for (const [name, raw] of Object.entries(states)) {
    const state = record(raw) ?? {};
    const statePath = `${path}/${name}`;
    if (state["Type"] === "Task") {
      yield { path: statePath, resource: String(state["Resource"]), functionName: record(state["Parameters"])?.["FunctionName"] };
    }
    const branches = Array.isArray(state["Branches"]) ? state["Branches"] : [];
    for (const [index, branch] of branches.entries()) yield* tasksOf(branch, `${statePath}[${index}]`);
    const processor = state["ItemProcessor"] ?? state["Iterator"];
    if (processor !== undefined) yield* tasksOf(processor, statePath);
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
