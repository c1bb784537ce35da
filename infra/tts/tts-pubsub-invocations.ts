/**
 * With `tts.configurePubSub` on: the TTS AWS IoT pub/sub of each application, set by Terraform. One
 * `aws_lambda_invocation` per application calls the `configure-tts-pubsub` function with lifecycle
 * scope `CRUD`: the provider adds `tf: {action, prev_input}` to the input and invokes the function on
 * create ("create"), on a changed input ("update") and on destroy ("delete"), so the pub/sub follows
 * the stack — including its removal before the role it assumes goes.
 *
 * The input holds the ExternalId, and Terraform keeps an invocation's input in its state (in plain
 * text, like the `random_password` the ExternalId comes from). No API key is in it: the function
 * reads the application's key from the secret.
 */
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation/index.js";
import type { ITerraformDependable } from "cdktf";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { ttsPubSubId } from "../../functions/tts/pubsub.ts";
import type { EnvironmentConfig } from "../config/environment-schema.ts";

/** The key the provider adds the lifecycle information under (its default, named explicitly). */
export const LIFECYCLE_KEY = "tf";

export interface TtsPubSubInvocationsProps {
  readonly config: EnvironmentConfig;
  /** The `configure-tts-pubsub` function's name (a reference, so the invocation waits for it). */
  readonly functionName: string;
  readonly roleArn: string;
  readonly externalId: string;
  readonly iotEndpoint: string;
  /** What must exist first: the function, the role and its policy, the API keys when Terraform puts them. */
  readonly dependsOn: ITerraformDependable[];
}

export class TtsPubSubInvocations extends Construct {
  readonly invocations: LambdaInvocation[];

  constructor(scope: Construct, id: string, props: TtsPubSubInvocationsProps) {
    super(scope, id);
    const { config } = props;
    this.invocations = config.tts.applicationIds.map(
      (applicationId) =>
        new LambdaInvocation(this, applicationId, {
          functionName: props.functionName,
          lifecycleScope: "CRUD",
          terraformKey: LIFECYCLE_KEY,
          input: Fn.jsonencode({
            applicationId,
            pubSubId: ttsPubSubId(config.stackName),
            region: config.region,
            roleArn: props.roleArn,
            externalId: props.externalId,
            endpointAddress: props.iotEndpoint,
            stackName: config.stackName,
          }),
          dependsOn: props.dependsOn,
        }),
    );
  }
}
