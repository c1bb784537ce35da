/**
 * Binds the `lambda:invoke` Task states of an ASL document to in-process handlers, for
 * `aws-local-stepfunctions` (whose overrides are keyed by state name, nested branches included).
 *
 * Each override returns what the real integration returns (`{StatusCode, ExecutedVersion, Payload}`)
 * and fails the way it fails on AWS: error name = the function's `errorType`, cause = the Lambda error
 * JSON (`{"errorType","errorMessage"}`), so Retry, Catch and Fail states see what they see in the cloud.
 */
import type { StateMachineDefinition } from "../../workflows/asl.ts";
import { LAMBDA_INVOKE } from "../../workflows/lambda-task.ts";
import { FUNCTIONS, type FunctionName } from "../../functions/catalogue.ts";

export type LocalHandler = (event: unknown) => Promise<unknown>;
export type LocalHandlers = Record<FunctionName, LocalHandler>;
export type TaskOverrides = Record<string, (input: unknown) => Promise<unknown>>;

const REGION = "us-east-1";
const ACCOUNT = "000000000000";

/** The ARN a function has in the local runtime; the deployed stack uses real ones. */
export function localFunctionArn(name: FunctionName): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
}

/** A Lambda function failure as Step Functions reports it. */
export class LambdaFunctionError extends Error {
  constructor(errorType: string, errorMessage: string) {
    super(JSON.stringify({ errorType, errorMessage }));
    // The error *name* is what Retry/Catch match; it must be the function's errorType.
    this.name = errorType;
  }
}

export function lambdaOverrides(definition: StateMachineDefinition, handlers: LocalHandlers): TaskOverrides {
  const overrides: TaskOverrides = {};
  forEachState(definition, (stateName, state) => {
    if (state.Type !== "Task" || state.Resource !== LAMBDA_INVOKE) return;
    const functionArn = state.Parameters?.["FunctionName"];
    const name = typeof functionArn === "string" ? functionNameOf(functionArn) : undefined;
    if (name === undefined) {
      throw new Error(`state "${stateName}" invokes ${String(functionArn)}, which is not one of ${Object.keys(FUNCTIONS).join(", ")}`);
    }
    if (stateName in overrides) {
      throw new Error(`state name "${stateName}" is used twice; local overrides are keyed by state name`);
    }
    overrides[stateName] = (input) => invoke(handlers[name], input);
  });
  return overrides;
}

async function invoke(handler: LocalHandler, input: unknown): Promise<unknown> {
  const payload = (input as { Payload?: unknown }).Payload;
  let result: unknown;
  try {
    result = await handler(payload);
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    throw new LambdaFunctionError(name, message);
  }
  // Lambda returns JSON: what does not survive serialization must not reach the next state either.
  return { StatusCode: 200, ExecutedVersion: "$LATEST", Payload: result === undefined ? null : JSON.parse(JSON.stringify(result)) };
}

function functionNameOf(arn: string): FunctionName | undefined {
  const name = /:function:([^:]+)(?::[^:]+)?$/.exec(arn)?.[1];
  return name !== undefined && name in FUNCTIONS ? (name as FunctionName) : undefined;
}

function forEachState(
  definition: StateMachineDefinition,
  visit: (name: string, state: StateMachineDefinition["States"][string]) => void,
): void {
  for (const [name, state] of Object.entries(definition.States)) {
    visit(name, state);
    if (state.Type === "Parallel") state.Branches.forEach((branch) => forEachState(branch, visit));
  }
}
