/**
 * CDK for Terraform entry point (`cdktf synth`, `cdktf deploy`): one Terraform stack per deployment.
 */
import { App } from "cdktf";
import { IntegrationStack } from "./infra/integration-stack.ts";

const app = new App();
new IntegrationStack(app, process.env["TTS_STACK_NAME"] ?? "tts-aws-iot", {
  stackName: process.env["TTS_STACK_NAME"] ?? "tts-aws-iot",
  region: process.env["AWS_REGION"] ?? "eu-west-1",
});
app.synth();
