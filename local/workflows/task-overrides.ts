/**
 * Binds the Task states of an ASL document to in-process code, for `aws-local-stepfunctions` (whose
 * overrides are keyed by state name, nested branches included):
 * - `lambda:invoke` → the product's handler, returning what the real integration returns
 *   (`{StatusCode, ExecutedVersion, Payload}`) and failing the way it fails on AWS: error name = the
 *   function's `errorType`, cause = the Lambda error JSON (`{"errorType","errorMessage"}`);
 * - `aws-sdk:<service>:<action>` → the real AWS SDK v3 call against the local endpoint, with
 *   PascalCase parameters and results and `<Service>.<Exception>` error names, as Step Functions does.
 * Retry, Catch and Fail states then see what they see in the cloud.
 */

import { FUNCTIONS, type FunctionName } from "../../functions/catalogue.ts";
import { allStates, type StateMachineDefinition } from "../../workflows/asl.ts";
import { LAMBDA_INVOKE } from "../../workflows/lambda-task.ts";
import { AWS_SDK_PREFIX } from "../../workflows/sdk-task.ts";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../aws/local-account.ts";
import type { SdkIntegrations } from "./sdk-integrations.ts";

export type LocalHandler = (event: unknown) => Promise<unknown>;
/** The handlers of the functions a workflow uses (a missing one is an error at binding time). */
export type LocalHandlers = Partial<Record<FunctionName, LocalHandler>>;
export type TaskOverrides = Record<string, (input: unknown) => Promise<unknown>>;

/** The ARN a function has in the local runtime; the deployed stack uses real ones. */
export function localFunctionArn(name: FunctionName): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}`;
}

/** A Lambda function failure as Step Functions reports it. */
export class LambdaFunctionError extends Error {
  constructor(errorType: string, errorMessage: string) {
    super(JSON.stringify({ errorType, errorMessage }));
    // The error *name* is what Retry/Catch match; it must be the function's errorType.
    this.name = errorType;
  }
}

export function taskOverrides(
  definition: StateMachineDefinition,
  bindings: { readonly handlers: LocalHandlers; readonly sdk?: SdkIntegrations },
): TaskOverrides {
  const overrides: TaskOverrides = {};
  for (const { name: stateName, state } of allStates(definition)) {
    if (state.Type !== "Task") continue;
    if (stateName in overrides) {
      throw new Error(`state name "${stateName}" is used twice; local overrides are keyed by state name`);
    }
    if (state.Resource === LAMBDA_INVOKE) {
      overrides[stateName] = lambdaOverride(stateName, state.Parameters?.["FunctionName"], bindings.handlers);
    } else if (state.Resource.startsWith(AWS_SDK_PREFIX)) {
      if (bindings.sdk === undefined)
        throw new Error(`state "${stateName}" calls ${state.Resource}: no SDK integrations given`);
      overrides[stateName] = bindings.sdk.override(state.Resource);
    } else {
      throw new Error(`state "${stateName}": the local runtime cannot run resource ${state.Resource}`);
    }
  }
  return overrides;
}

function lambdaOverride(
  stateName: string,
  functionArn: unknown,
  handlers: LocalHandlers,
): (input: unknown) => Promise<unknown> {
  const name = typeof functionArn === "string" ? functionNameOf(functionArn) : undefined;
  if (name === undefined) {
    throw new Error(
      `state "${stateName}" invokes ${String(functionArn)}, which is not one of ${Object.keys(FUNCTIONS).join(", ")}`,
    );
  }
  const handler = handlers[name];
  if (handler === undefined) throw new Error(`state "${stateName}" invokes ${name}, which has no local handler`);
  return (input) => invoke(handler, input);
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
  return {
    StatusCode: 200,
    ExecutedVersion: "$LATEST",
    Payload: result === undefined ? null : JSON.parse(JSON.stringify(result)),
  };
}

function functionNameOf(arn: string): FunctionName | undefined {
  const name = /:function:([^:]+)(?::[^:]+)?$/.exec(arn)?.[1];
  return name !== undefined && name in FUNCTIONS ? (name as FunctionName) : undefined;
}
