/**
 * Each function's settings, defined once: the environment variables it reads, with schema, default
 * and meaning. The function reads its environment with `loadSettings`; the stack and the local runtime
 * build that environment as a `SettingsEnvironment`, so a missing, misspelt or extra variable fails
 * `tsc`; the README's table is checked against these definitions. Non-secret settings only: the TTS
 * API key is read from Secrets Manager. Validated once per container.
 */

import type { FunctionName } from "./catalogue.ts";
import { ConfigurationError } from "./core/errors.ts";
import {
  DEFAULT_LORAWAN_VERSION,
  DEFAULT_REGIONAL_PARAMETERS_VERSION,
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
import * as z from "./core/zod.ts";
import type { Environment } from "./runtime/aws-clients.ts";

function onOff(fallback: "on" | "off", description: string) {
  return z
    .pipe(
      z._default(z.enum(["on", "off", "true", "false"]), fallback),
      z.transform((value) => value === "on" || value === "true"),
    )
    .check(z.describe(description));
}

/** An integer variable with bounds and a default, e.g. `THING_CACHE_MAX_ENTRIES=10000`. */
function integer(bounds: { min: number; max: number; fallback: number }, description: string) {
  return z
    ._default(z.coerce.number().check(z.int(), z.minimum(bounds.min), z.maximum(bounds.max)), bounds.fallback)
    .check(z.describe(description));
}

const iotDataEndpoint = () =>
  z
    .optional(z.string().check(z.minLength(1)))
    .check(z.describe("the account's IoT data endpoint (host name); unset, the SDK's default"));

/** An http(s) URL without credentials in it: the URL sits in the Lambda environment and in messages. */
const ttsUrl = () =>
  z.url({ protocol: /^https?$/ }).check(
    z.refine(
      (url) => new URL(url).username === "" && new URL(url).password === "",
      "must not contain a user name or password",
    ),
    z.describe("TTS cluster URL, e.g. `https://eu1.cloud.thethings.network`"),
  );

const ttsApiKeySecretArn = () =>
  z
    .string()
    .check(
      z.minLength(1),
      z.describe('secret holding `{"<applicationId>": "<API key>"}` (one key per TTS application)'),
    );

const ttsApiKeyCacheSeconds = () =>
  integer(
    { min: 0, max: 3_600, fallback: 300 },
    "how long a read key is reused (forgotten at once when TTS refuses it)",
  );

function ttsRequestTimeoutMs(fallback: number) {
  return integer({ min: 100, max: 60_000, fallback }, "timeout of one TTS call");
}

/**
 * Known-thing cache expiry. LoRaWAN devices send every 5–60 minutes; under TTN's fair use (30 s of
 * airtime a day) a device at SF12 sends about hourly. Three hours keeps a device in a warm container's
 * cache across two missed uplinks at that rate, so steady-state uplinks make no DescribeThing; a thing
 * deleted by hand is created again within this time. README "Thing cache".
 */
export const THING_CACHE_TTL_SECONDS = { min: 1, max: 86_400, fallback: 10_800 } as const;

const stackName = () =>
  z
    .string()
    .check(
      z.regex(STACK_NAME_PATTERN, "must start with a letter and contain only letters, digits and -"),
      z.maxLength(
        MAX_STACK_NAME_LENGTH,
        `must be at most ${MAX_STACK_NAME_LENGTH} characters (thing and IAM role names derive from it)`,
      ),
      z.describe(`the TTS stack name, \`^[A-Za-z][A-Za-z0-9-]*$\`, at most ${MAX_STACK_NAME_LENGTH} characters`),
    );

const thingTypeName = () =>
  z
    ._default(z.string().check(z.regex(THING_NAME_PATTERN)), "lorawan")
    .check(z.describe("thing type of created things"));

/** What a step that calls TTS reads: where, with which key, how long one call may take. */
const ttsCall = (timeoutMs: number) => ({
  TTS_URL: ttsUrl(),
  TTS_API_KEY_SECRET_ARN: ttsApiKeySecretArn(),
  TTS_REQUEST_TIMEOUT_MS: ttsRequestTimeoutMs(timeoutMs),
});

/** The workflow steps' TTS calls, which reuse a read key for a while. */
const workflowTtsCall = () => ({ ...ttsCall(5_000), TTS_API_KEY_CACHE_SECONDS: ttsApiKeyCacheSeconds() });

const DEFINITIONS = {
  "ensure-thing": () =>
    z.object({
      STACK_NAME: stackName(),
      THING_TYPE_NAME: thingTypeName(),
      THING_NAME_SCHEME: z._default(z.enum(THING_NAME_SCHEMES), "DevEUI").check(z.describe("`DevEUI` or `DeviceID`")),
      THING_CACHE_TTL_SECONDS: integer(
        THING_CACHE_TTL_SECONDS,
        "known-thing cache: seconds an entry is kept (config `things.cacheTtlSeconds`)",
      ),
      THING_CACHE_MAX_ENTRIES: integer(
        { min: 1, max: 1_000_000, fallback: 10_000 },
        "known-thing cache: entries kept at most",
      ),
    }),
  "update-shadow": () =>
    z.object({
      SHADOW_METRICS: onOff("on", "`off` skips shadow updates (they cost money)"),
      SHADOW_DECODED_PAYLOAD: onOff(
        "off",
        "also report the uplink's `decoded_payload` (config `things.shadowDecodedPayload`)",
      ),
      IOT_DATA_ENDPOINT: iotDataEndpoint(),
    }),
  republish: () => z.object({ IOT_DATA_ENDPOINT: iotDataEndpoint() }),
  "validate-downlink": () => z.object({}),
  "enqueue-downlink": () =>
    z.object({
      ...workflowTtsCall(),
      TTS_RETRY_AFTER_MAX_SECONDS: z
        ._default(z.coerce.number().check(z.minimum(0), z.maximum(60)), 10)
        .check(z.describe("longest `Retry-After` honoured: the workflow waits that long before pushing again")),
    }),
  "downlink-claim": () => z.object({ IOT_DATA_ENDPOINT: iotDataEndpoint() }),
  "find-queued-downlink": () => z.object(workflowTtsCall()),
  "publish-feedback": () => z.object({ IOT_DATA_ENDPOINT: iotDataEndpoint() }),
  // Run by Terraform, one pub/sub per invocation: up to two TTS calls, and no workflow retry behind it.
  "configure-tts-pubsub": () => z.object(ttsCall(10_000)),
  "validate-device-thing": () =>
    z.object({
      STACK_NAME: stackName(),
      THING_TYPE_NAME: thingTypeName(),
      TTS_APPLICATION_ID: ttsIdSchema("application ID").check(
        z.describe(
          "the deployment's TTS application, where devices are created (a thing's `applicationID` must name it)",
        ),
      ),
      FREQUENCY_PLAN_ID: z
        .string()
        .check(
          z.regex(FREQUENCY_PLAN_ID_PATTERN),
          z.describe("frequency plan of devices whose thing has no `frequencyPlanID`, e.g. `EU_863_870_TTN`"),
        ),
      LORAWAN_VERSION: z
        ._default(
          z.enum(Object.keys(LORAWAN_VERSIONS) as [LorawanVersion, ...LorawanVersion[]]),
          DEFAULT_LORAWAN_VERSION,
        )
        .check(z.describe("LoRaWAN version of devices whose thing has no `lorawanVersion`")),
      REGIONAL_PARAMETERS_VERSION: z
        ._default(
          z.enum(
            Object.keys(REGIONAL_PARAMETERS_VERSIONS) as [RegionalParametersVersion, ...RegionalParametersVersion[]],
          ),
          DEFAULT_REGIONAL_PARAMETERS_VERSION,
        )
        .check(z.describe("Regional Parameters version of devices whose thing has no `regionalParametersVersion`")),
    }),
  "register-end-device": () => z.object(workflowTtsCall()),
  "register-root-keys": () => z.object(workflowTtsCall()),
  "record-provisioning": () => z.object({}),
  "provisioning-feedback": () => z.object({ IOT_DATA_ENDPOINT: iotDataEndpoint() }),
} as const satisfies Record<FunctionName, () => z.ZodMiniObject>;

/**
 * Each function's settings schema, built when first read: a Lambda reads only its own, and building
 * all fourteen with their fields at import cost ~2 ms of every cold start.
 */
export const SETTINGS = builtOnFirstRead(DEFINITIONS);

function builtOnFirstRead<T extends Record<string, () => unknown>>(
  definitions: T,
): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const built = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const key of Object.keys(definitions) as (keyof T)[]) {
    Object.defineProperty(built, key, {
      enumerable: true,
      get() {
        const schema = definitions[key]!() as ReturnType<T[typeof key]>;
        Object.defineProperty(built, key, { value: schema, enumerable: true });
        return schema;
      },
      configurable: true,
    });
  }
  return built;
}

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
  const result = z.safeParse(SETTINGS[name], env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new ConfigurationError(`invalid function environment: ${problems.join("; ")}`);
  }
  return result.data as Settings<F>;
}
