/**
 * CDK for Terraform entry point (`cdktf synth`, `cdktf deploy <environment>`): one Terraform stack per
 * environment of the deployment configuration (`tts-aws-iot.config.json`, or the file named by
 * `TTS_AWS_IOT_CONFIG`).
 */
import { App } from "cdktf";
import { configFilePath, DeploymentConfigError, loadDeploymentConfig } from "./infra/config/load-config.ts";
import { IntegrationStack } from "./infra/integration-stack.ts";

try {
  const { environments } = loadDeploymentConfig(configFilePath(process.env));
  const app = new App();
  for (const { name, config } of environments) new IntegrationStack(app, name, { config });
  app.synth();
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
