/**
 * The TTS API keys, one per application: a Secrets Manager secret holding
 * `{ "<applicationId>": "<API key>" }`. Functions get its ARN and read it at run time; the keys are
 * never in a Lambda environment or an output.
 *
 * By default Terraform creates the secret empty and the operator puts the keys afterwards
 * (`aws secretsmanager put-secret-value`, see the `tts_api_keys_put_command` output), so they never
 * enter the Terraform state. With `tts.apiKeys: "terraform-variable"` they come from the sensitive
 * variable `tts_api_keys` instead — and then sit in the state, in plain text.
 */
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js";
import { Fn, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { apiKeySecretName } from "../../functions/tts/api-keys.ts";

export const API_KEYS_VARIABLE = "tts_api_keys";

export interface TtsApiKeysSecretProps {
  readonly stackName: string;
  readonly source: "manual" | "terraform-variable";
}

export class TtsApiKeysSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  /** The keys' version, when Terraform puts them (`terraform-variable`): what a reader must wait for. */
  readonly version: SecretsmanagerSecretVersion | undefined;

  constructor(scope: Construct, id: string, props: TtsApiKeysSecretProps) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: apiKeySecretName(props.stackName),
      description: `TTS API keys of stack ${props.stackName}, as {"<applicationId>": "<API key>"}`,
      // Long enough to undo a mistaken destroy; short enough to redeploy the same name within a week.
      recoveryWindowInDays: 7,
    });

    if (props.source === "terraform-variable") {
      const keys = new TerraformVariable(TerraformStack.of(this), API_KEYS_VARIABLE, {
        type: "map(string)",
        sensitive: true,
        nullable: false,
        description: 'TTS API keys by application id, e.g. {"my-app" = "NNSXS.…"}. Stored in the Terraform state.',
      });
      this.version = new SecretsmanagerSecretVersion(this, "keys", {
        secretId: this.secret.id,
        secretString: Fn.jsonencode(keys.value),
      });
    } else {
      this.version = undefined;
    }
  }

  get arn(): string {
    return this.secret.arn;
  }
}
