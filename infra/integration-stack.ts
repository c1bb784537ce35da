/**
 * The Terraform stack of one deployment (one TTS stack name in one AWS account and region).
 * For now: provider and state backend; the resources arrive with the deployment issue.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { LocalBackend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";

export interface IntegrationStackProps {
  readonly stackName: string;
  readonly region: string;
}

export class IntegrationStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: IntegrationStackProps) {
    super(scope, id);
    // A relative path: the cdktf default writes an absolute one into the synthesized JSON.
    new LocalBackend(this, { path: `terraform.${props.stackName}.tfstate` });
    new AwsProvider(this, "aws", {
      region: props.region,
      defaultTags: [{ tags: { Application: "tts-aws-iot", TtsStackName: props.stackName } }],
    });
  }
}
