/**
 * One Lambda of the catalogue, deployed: its esbuild bundle as a zipped `TerraformAsset`, an explicit
 * log group (so retention is ours, not "never expire"), JSON logs, its own role.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { type FunctionBundle, LAMBDA_HANDLER } from "../bundle/bundle-function.ts";
import { allow, WILDCARD_ONLY_ACTIONS } from "../iam/policy-document.ts";
import { ServiceRole } from "../iam/service-role.ts";
import type { FunctionContext, FunctionResources } from "./function-settings.ts";

export const LAMBDA_RUNTIME = "nodejs22.x";
export const LAMBDA_ARCHITECTURE = "arm64";

export interface WorkflowFunctionProps {
  /** `<stackName>-<catalogue name>`. */
  readonly functionName: string;
  readonly description: string;
  readonly bundle: FunctionBundle;
  readonly settings: FunctionResources;
  readonly environment: Readonly<Record<string, string>>;
  readonly context: FunctionContext;
}

export class WorkflowFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: ServiceRole;
  /** Known at synth (unlike `function.functionName`, a Terraform reference). */
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: WorkflowFunctionProps) {
    super(scope, id);
    this.functionName = props.functionName;
    const { config } = props.context;
    const tracing = config.workflows.tracing;

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: config.logRetentionDays,
    });

    this.role = new ServiceRole(this, "execution", {
      roleName: props.functionName,
      description: `Lambda ${props.functionName}: ${props.description}`,
      service: "lambda.amazonaws.com",
      statements: [
        ...props.settings.permissions(props.context),
        // The group exists (above): writing into it is all a function does with its logs.
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], [`${this.logGroup.arn}:*`], "WriteOwnLogs"),
        ...(tracing ? [allow(WILDCARD_ONLY_ACTIONS.xRayWrite, ["*"], "XRayHasNoResourceLevelPermissions")] : []),
      ],
    });

    const code = new TerraformAsset(this, "code", { path: props.bundle.directory, type: AssetType.ARCHIVE });

    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description.slice(0, 256),
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      handler: LAMBDA_HANDLER,
      filename: code.path,
      // From the bundle, not the zip: zip entries carry timestamps, the bundle does not.
      sourceCodeHash: props.bundle.sha256,
      timeout: props.settings.timeoutSeconds,
      memorySize: props.settings.memoryMb,
      environment: { variables: props.environment },
      loggingConfig: {
        logFormat: "JSON",
        logGroup: this.logGroup.name,
        applicationLogLevel: "INFO",
        systemLogLevel: "WARN",
      },
      tracingConfig: { mode: tracing ? "Active" : "PassThrough" },
      // The first invocation must find its permissions and its log group in place.
      dependsOn: [this.role.policy, this.logGroup],
    });
  }
}
