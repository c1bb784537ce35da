/**
 * Each function's settings, defined once: the environment variables it reads, with schema, default
 * and meaning. The function reads its environment with `loadSettings`; the stack and the local runtime
 * build that environment as a `SettingsEnvironment`, so a missing, misspelt or extra variable fails
 * `tsc`; the README's table is checked against these definitions. Non-secret settings only: the TTS
 * API key is read from Secrets Manager. Validated once per container.
 */
import { z } from "zod";
import type { FunctionName } from "./catalogue.ts";
import { ConfigurationError } from "./core/errors.ts";
import {
  FREQUENCY_PLAN_ID_PATTERN,
  LORAWAN_VERSIONS,
  type LorawanVersion,
  REGIONAL_PARAMETERS_VERSIONS,
  type RegionalParametersVersion,
} from "./core/provisioning/device-attributes.ts";
import {
  MAX_STACK_NAME_LENGTH,
  STACK_NAME_PATTERN,
  THING_NAME_PATTERN,
  THING_NAME_SCHEMES,
} from "./core/thing-name.ts";
import { ttsIdSchema } from "./core/tts-id.ts";
import type { Environment } from "./runtime/aws-clients.ts";

function onOff(fallback: "on" | "off") {
  return z
    .enum(["on", "off", "true", "false"])
    .default(fallback)
    .transform((value) => value === "on" || value === "true");
}

const IOT_DATA_ENDPOINT = z
  .string()
  .min(1)
  .optional()
  .describe("the account's IoT data endpoint (host name); unset, the SDK's default");

/** An http(s) URL without credentials in it: the URL sits in the Lambda environment and in messages. */
const TTS_URL = z
  .url({ protocol: /^https?$/ })
  .refine(
    (url) => new URL(url).username === "" && new URL(url).password === "",
    "must not contain a user name or password",
  )
  .describe("TTS cluster URL, e.g. `https://eu1.cloud.thethings.network`");

const TTS_API_KEY_SECRET_ARN = z
  .string()
  .min(1)
  .describe('secret holding `{"<applicationId>": "<API key>"}` (one key per TTS application)');

const TTS_API_KEY_CACHE_SECONDS = z.coerce
  .number()
  .int()
  .min(0)
  .max(3_600)
  .default(300)
  .describe("how long a read key is reused (forgotten at once when TTS refuses it)");

function ttsRequestTimeoutMs(fallback: number) {
  return z.coerce.number().int().min(100).max(60_000).default(fallback).describe("timeout of one TTS call");
}

const STACK_NAME = z
  .string()
  .regex(STACK_NAME_PATTERN, "must start with a letter and contain only letters, digits and -")
  .max(
    MAX_STACK_NAME_LENGTH,
    `must be at most ${MAX_STACK_NAME_LENGTH} characters (thing and IAM role names derive from it)`,
  )
  .describe(`the TTS stack name, \`^[A-Za-z][A-Za-z0-9-]*$\`, at most ${MAX_STACK_NAME_LENGTH} characters`);

const THING_TYPE_NAME = z
  .string()
  .regex(THING_NAME_PATTERN)
  .default("lorawan")
  .describe("thing type of created things");

export const SETTINGS = {
  "ensure-thing": z.object({
    STACK_NAME,
    THING_TYPE_NAME,
    THING_NAME_SCHEME: z.enum(THING_NAME_SCHEMES).default("DevEUI").describe("`DevEUI` or `DeviceID`"),
    THING_CACHE_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(600)
      .describe("known-thing cache: seconds an entry is kept"),
    THING_CACHE_MAX_ENTRIES: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10_000)
      .describe("known-thing cache: entries kept at most"),
  }),
  "update-shadow": z.object({
    SHADOW_METRICS: onOff("on").describe("`off` skips shadow updates (they cost money)"),
    SHADOW_DECODED_PAYLOAD: onOff("off").describe(
      "also report the uplink's `decoded_payload` (config `things.shadowDecodedPayload`)",
    ),
    IOT_DATA_ENDPOINT,
  }),
  republish: z.object({ IOT_DATA_ENDPOINT }),
  "validate-downlink": z.object({}),
  "enqueue-downlink": z.object({
    TTS_URL,
    TTS_API_KEY_SECRET_ARN,
    TTS_REQUEST_TIMEOUT_MS: ttsRequestTimeoutMs(5_000),
    TTS_API_KEY_CACHE_SECONDS,
    TTS_RETRY_AFTER_MAX_SECONDS: z.coerce
      .number()
      .min(0)
      .max(60)
      .default(10)
      .describe("longest `Retry-After` honoured: the workflow waits that long before pushing again"),
  }),
  "downlink-claim": z.object({ IOT_DATA_ENDPOINT }),
  "find-queued-downlink": z.object({
    TTS_URL,
    TTS_API_KEY_SECRET_ARN,
    TTS_REQUEST_TIMEOUT_MS: ttsRequestTimeoutMs(5_000),
    TTS_API_KEY_CACHE_SECONDS,
  }),
  "publish-feedback": z.object({ IOT_DATA_ENDPOINT }),
  // Run by Terraform, one pub/sub per invocation: up to two TTS calls, and no workflow retry behind it.
  "configure-tts-pubsub": z.object({
    TTS_URL,
    TTS_API_KEY_SECRET_ARN,
    TTS_REQUEST_TIMEOUT_MS: ttsRequestTimeoutMs(10_000),
  }),
  "validate-device-thing": z.object({
    STACK_NAME,
    THING_TYPE_NAME,
    TTS_APPLICATION_ID: ttsIdSchema("application ID").describe(
      "the deployment's TTS application, where devices are created (a thing's `applicationID` must name it)",
    ),
    FREQUENCY_PLAN_ID: z
      .string()
      .regex(FREQUENCY_PLAN_ID_PATTERN)
      .describe("frequency plan of devices whose thing has no `frequencyPlanID`, e.g. `EU_863_870_TTN`"),
    LORAWAN_VERSION: z
      .enum(Object.keys(LORAWAN_VERSIONS) as [LorawanVersion, ...LorawanVersion[]])
      .default("1.0.3")
      .describe("LoRaWAN version of devices whose thing has no `lorawanVersion`"),
    REGIONAL_PARAMETERS_VERSION: z
      .enum(Object.keys(REGIONAL_PARAMETERS_VERSIONS) as [RegionalParametersVersion, ...RegionalParametersVersion[]])
      .default("1.0.3-a")
      .describe("Regional Parameters version of devices whose thing has no `regionalParametersVersion`"),
  }),
  "register-end-device": z.object({
    TTS_URL,
    TTS_API_KEY_SECRET_ARN,
    TTS_REQUEST_TIMEOUT_MS: ttsRequestTimeoutMs(5_000),
    TTS_API_KEY_CACHE_SECONDS,
  }),
  "register-root-keys": z.object({
    TTS_URL,
    TTS_API_KEY_SECRET_ARN,
    TTS_REQUEST_TIMEOUT_MS: ttsRequestTimeoutMs(5_000),
    TTS_API_KEY_CACHE_SECONDS,
  }),
  "record-provisioning": z.object({}),
  "provisioning-feedback": z.object({ IOT_DATA_ENDPOINT }),
} as const satisfies Record<FunctionName, z.ZodObject>;

/** A function's settings as it uses them (defaults applied, numbers and switches parsed). */
export type Settings<F extends FunctionName> = z.output<(typeof SETTINGS)[F]>;

type EnvironmentValue<T> = [T] extends [string] ? T : string;

type SettingsInput<F extends FunctionName> = z.input<(typeof SETTINGS)[F]>;

/**
 * The environment that sets a function's settings: its variables and no other, as strings (kept as
 * narrow as the schema's input, e.g. `"on" | "off" | …`); variables with a default may be left out.
 * A function without settings takes none (`{}` would accept any object).
 */
export type SettingsEnvironment<F extends FunctionName> = keyof SettingsInput<F> extends never
  ? Readonly<Record<string, never>>
  : { readonly [K in keyof SettingsInput<F>]: EnvironmentValue<NonNullable<SettingsInput<F>[K]>> };

/** Reads a function's settings from its environment (other variables, e.g. the SDK's, are ignored). */
export function loadSettings<F extends FunctionName>(name: F, env: Environment): Settings<F> {
  const result = SETTINGS[name].safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new ConfigurationError(`invalid function environment: ${problems.join("; ")}`);
  }
  return result.data as Settings<F>;
}
