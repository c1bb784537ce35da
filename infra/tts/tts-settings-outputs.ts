/**
 * The stack's outputs: everything an operator types into TTS (console fields, or the equivalent
 * `ttn-lw-cli` command per application) and the command that puts the API keys into the secret.
 * Only the ExternalId is a secret-like value, and its output is sensitive; the commands refer to it
 * through a shell variable instead of containing it.
 */
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ttsPubSubId } from "../../functions/tts/pubsub.ts";
import type { EnvironmentConfig } from "../config/environment-schema.ts";

export interface TtsSettingsOutputsProps {
  readonly environment: string;
  readonly config: EnvironmentConfig;
  readonly roleArn: string;
  readonly externalId: string;
  readonly iotEndpoint: string;
  readonly apiKeysSecretArn: string;
}

export { ttsPubSubId };

export const EXTERNAL_ID_SHELL_VARIABLE = "TTS_EXTERNAL_ID";

/** The endpoint is given explicitly: older TTS versions look it up without asking for the ATS one. */
export function ttnLwCliCommand(
  applicationId: string,
  config: EnvironmentConfig,
  roleArn: string,
  iotEndpoint: string,
): string {
  return [
    `ttn-lw-cli applications pubsubs set ${applicationId} ${ttsPubSubId(config.stackName)}`,
    "--format json",
    `--provider.aws-iot.region ${config.region}`,
    `--provider.aws-iot.endpoint-address ${iotEndpoint}`,
    `--provider.aws-iot.assume-role.arn ${roleArn}`,
    `--provider.aws-iot.assume-role.external-id "$${EXTERNAL_ID_SHELL_VARIABLE}"`,
    `--provider.aws-iot.deployment.default.stack-name ${config.stackName}`,
  ].join(" ");
}

export class TtsSettingsOutputs extends Construct {
  constructor(scope: Construct, id: string, props: TtsSettingsOutputsProps) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    const { config } = props;
    const output = (name: string, value: unknown, description: string, sensitive = false): void => {
      new TerraformOutput(stack, name, { value, description, sensitive, staticId: true });
    };

    output("tts_role_arn", props.roleArn, "TTS AWS IoT pub/sub: role ARN to assume");
    output(
      "tts_external_id",
      props.externalId,
      "TTS AWS IoT pub/sub: external ID (terraform output -raw tts_external_id)",
      true,
    );
    output("tts_stack_name", config.stackName, "TTS AWS IoT pub/sub: stack name (default integration)");
    output("aws_region", config.region, "TTS AWS IoT pub/sub: AWS region");
    output("iot_endpoint", props.iotEndpoint, "The account's IoT Core data endpoint (iot:Data-ATS)");
    output("tts_api_keys_secret_arn", props.apiKeysSecretArn, 'Secret holding {"<applicationId>": "<TTS API key>"}');
    output(
      "tts_console_settings",
      {
        "Pub/Sub ID": ttsPubSubId(config.stackName),
        Provider: "AWS IoT",
        "AWS region": config.region,
        "Endpoint address": props.iotEndpoint,
        "Role ARN": props.roleArn,
        "External ID": "see the sensitive output tts_external_id",
        Deployment: "Default integration",
        "Stack name": config.stackName,
        Applications: config.tts.applicationIds.join(", "),
      },
      "TTS console, application → Integrations → AWS IoT (or Pub/Subs → AWS IoT): the fields to enter",
    );
    output(
      "ttn_lw_cli_commands",
      config.tts.applicationIds.map((applicationId) =>
        ttnLwCliCommand(applicationId, config, props.roleArn, props.iotEndpoint),
      ),
      `Equivalent ttn-lw-cli commands; first: export ${EXTERNAL_ID_SHELL_VARIABLE}="$(terraform -chdir=cdktf.out/stacks/${props.environment} output -raw tts_external_id)"`,
    );
    output(
      "tts_api_keys_put_command",
      `aws secretsmanager put-secret-value --region ${config.region} --secret-id ${props.apiKeysSecretArn} --secret-string file://tts-api-keys.json`,
      `Puts the TTS API keys; tts-api-keys.json holds {${config.tts.applicationIds.map((app) => `"${app}": "NNSXS.…"`).join(", ")}}`,
    );
  }
}
