import type { Environment } from "../../functions/runtime/aws-clients.ts";

/** A TTS step's context as its Lambda builds it from these settings, with a fake TTS's `fetch` as its transport. */
export function ttsStepContext<Context>(
  contextFromEnvironment: (env: Environment) => Context,
  fetchImpl: typeof fetch,
  env: Environment = {},
): Context & { readonly transport: typeof fetch } {
  const context = contextFromEnvironment({
    AWS_REGION: "eu-west-1",
    TTS_URL: "https://eu1.cloud.thethings.network",
    TTS_API_KEY_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/tts-api-keys-AbCdEf",
    TTS_REQUEST_TIMEOUT_MS: "200",
    ...env,
  });
  return { ...context, transport: fetchImpl };
}
