/**
 * Function configuration from the Lambda environment, validated once per container.
 * Only non-secret settings live here (the TTS API key is read from Secrets Manager).
 */
import { z } from "zod";
import { ConfigurationError } from "../core/errors.ts";
import { STACK_NAME_PATTERN, THING_NAME_PATTERN, THING_NAME_SCHEMES } from "../core/thing-name.ts";

const OnOff = z
  .enum(["on", "off", "true", "false"])
  .transform((value) => value === "on" || value === "true");

const StackName = z.string().regex(STACK_NAME_PATTERN, "must match ^[A-Za-z][A-Za-z0-9-]*$");

export const EnsureThingConfigSchema = z.object({
  STACK_NAME: StackName,
  THING_TYPE_NAME: z.string().regex(THING_NAME_PATTERN).default("lorawan"),
  THING_NAME_SCHEME: z.enum(THING_NAME_SCHEMES).default("DevEUI"),
  THING_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  THING_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
});

export const UpdateShadowConfigSchema = z.object({
  SHADOW_METRICS: OnOff.default(true),
  SHADOW_DECODED_PAYLOAD: OnOff.default(false),
});

/** An http(s) URL without credentials in it: the URL sits in the Lambda environment and in messages. */
const TtsUrl = z
  .url({ protocol: /^https?$/ })
  .refine((url) => new URL(url).username === "" && new URL(url).password === "", "must not contain a user name or password");

export const EnqueueDownlinkConfigSchema = z.object({
  TTS_URL: TtsUrl,
  TTS_API_KEY_SECRET_ARN: z.string().min(1),
  TTS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  TTS_API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(300),
  TTS_RETRY_AFTER_MAX_SECONDS: z.coerce.number().min(0).max(60).default(10),
});

/** configure-tts-pubsub: run by Terraform, one pub/sub per invocation. */
export const ConfigureTtsPubSubConfigSchema = z.object({
  TTS_URL: TtsUrl,
  TTS_API_KEY_SECRET_ARN: z.string().min(1),
  TTS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});

export type EnqueueDownlinkConfig = z.output<typeof EnqueueDownlinkConfigSchema>;
export type ConfigureTtsPubSubConfig = z.output<typeof ConfigureTtsPubSubConfigSchema>;
export type EnsureThingConfig = z.output<typeof EnsureThingConfigSchema>;
export type UpdateShadowConfig = z.output<typeof UpdateShadowConfigSchema>;

export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new ConfigurationError(`invalid function environment: ${problems.join("; ")}`);
  }
  return result.data;
}
