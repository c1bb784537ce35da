/**
 * What one deployment (one environment, one Terraform stack) is made of, as a zod schema. The
 * fields the local runtime shares with AWS (stack name, thing naming, shadow metrics, TTS URL and
 * applications) live here once, so the local runtime can read the same file later.
 */
import { z } from "zod";
import {
  DEFAULT_LORAWAN_VERSION,
  DEFAULT_REGIONAL_PARAMETERS_VERSION,
  FREQUENCY_PLAN_ID_PATTERN,
  LORAWAN_VERSIONS,
  type LorawanVersion,
  REGIONAL_PARAMETERS_VERSIONS,
  type RegionalParametersVersion,
} from "../../functions/core/provisioning/device-attributes.ts";
import {
  MAX_STACK_NAME_LENGTH,
  STACK_NAME_PATTERN,
  THING_NAME_PATTERN,
  THING_NAME_SCHEMES,
} from "../../functions/core/thing-name.ts";
import { ttsIdSchema } from "../../functions/core/tts-id.ts";
import { THING_CACHE_TTL_SECONDS } from "../../functions/settings.ts";

/** TTI's AWS accounts TTS assumes the role from (DESIGN §1); Enterprise brings its own. */
export const TTS_PRINCIPAL_ACCOUNTS = { cloud: "097768003349", ttn: "678672909819" } as const;

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const AwsAccountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");

/**
 * Why one stack name serves one TTS application: TTS connects every application's AWS IoT pub/sub of
 * the default integration with the MQTT client id `thethings-<stackName>`, and AWS IoT disconnects a
 * client when another connects with the same id — two applications would knock each other off and
 * lose uplinks while reconnecting.
 */
export const ONE_APPLICATION_PER_STACK_NAME =
  "one TTS application per stack name: TTS connects each application's pub/sub with the same MQTT client id thethings-<stackName> and AWS IoT drops the older connection, so two applications kick each other off; give each application its own environment (its own stackName)";

/**
 * Why `configurePubSub` needs `apiKeys: "terraform-variable"`: the pub/sub invocations run during the
 * apply that creates the stack, with the application's key read from the secret — which `manual`
 * creates empty, to be filled only after that apply.
 */
export const CONFIGURE_PUBSUB_NEEDS_KEYS_AT_APPLY =
  'configurePubSub needs the API keys during the apply, but with apiKeys "manual" the secret is created empty by that same apply: use apiKeys "terraform-variable", or leave configurePubSub off and enter the pub/sub in TTS (outputs tts_console_settings, ttn_lw_cli_commands)';

const TtsApplicationId = ttsIdSchema("application ID");

const HttpsUrl = z
  .url({ protocol: /^https$/, error: "must be an https:// URL" })
  .transform((url) => url.replace(/\/+$/, ""));

const TtsCommon = {
  /** The cluster the applications live on, e.g. `https://eu1.cloud.thethings.network`. */
  url: HttpsUrl,
  /** Exactly one (see ONE_APPLICATION_PER_STACK_NAME); a list so that the field reads as TTS's own. */
  applicationIds: z
    .array(TtsApplicationId)
    .nonempty("must list one application")
    .max(1, ONE_APPLICATION_PER_STACK_NAME),
  /**
   * `manual` (default): the secret is created empty and filled with `aws secretsmanager put-secret-value`.
   * `terraform-variable`: from the sensitive variable `tts_api_keys` — it then sits in the Terraform state.
   */
  apiKeys: z.enum(["manual", "terraform-variable"]).default("manual"),
  /**
   * Off (default): the operator enters the pub/sub in TTS (console or `ttn_lw_cli_commands`). On:
   * Terraform sets it through the `configure-tts-pubsub` function, once per application, and deletes
   * it on destroy — with the application's key from the secret, which then needs the pub/sub rights.
   * Only with `apiKeys: "terraform-variable"` (CONFIGURE_PUBSUB_NEEDS_KEYS_AT_APPLY).
   */
  configurePubSub: z.boolean().default(false),
};

const TtsSchema = z
  .discriminatedUnion("flavour", [
    z.strictObject({ flavour: z.literal("cloud"), ...TtsCommon }),
    z.strictObject({ flavour: z.literal("ttn"), ...TtsCommon }),
    z.strictObject({ flavour: z.literal("enterprise"), principalAccountId: AwsAccountId, ...TtsCommon }),
  ])
  .superRefine((tts, context) => {
    if (tts.configurePubSub && tts.apiKeys === "manual") {
      context.addIssue({ code: "custom", path: ["configurePubSub"], message: CONFIGURE_PUBSUB_NEEDS_KEYS_AT_APPLY });
    }
  });

/** Provisioning as an environment that says nothing of it has it: off. */
const PROVISIONING_DEFAULT = {
  enabled: false,
  deleteInTts: false,
  lorawanVersion: DEFAULT_LORAWAN_VERSION,
  regionalParametersVersion: DEFAULT_REGIONAL_PARAMETERS_VERSION,
};

/**
 * Creating devices in TTS from AWS IoT things (DESIGN §6). Off by default: when on, Terraform turns on
 * the account's thing registry events (account-wide). Deleting the TTS device with the thing is an
 * opt-in of its own: TTS users were hurt by deletions that followed things.
 */
const ProvisioningSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    deleteInTts: z.boolean().default(false),
    /** For things without `frequencyPlanID`, e.g. `EU_863_870_TTN`; required when enabled (a wrong plan cannot join). */
    frequencyPlanId: z
      .string()
      .regex(FREQUENCY_PLAN_ID_PATTERN, "must be a TTS frequency plan id such as EU_863_870_TTN")
      .optional(),
    /** For things without `lorawanVersion`. */
    lorawanVersion: z
      .enum(Object.keys(LORAWAN_VERSIONS) as [LorawanVersion, ...LorawanVersion[]])
      .default(DEFAULT_LORAWAN_VERSION),
    /** For things without `regionalParametersVersion`. */
    regionalParametersVersion: z
      .enum(Object.keys(REGIONAL_PARAMETERS_VERSIONS) as [RegionalParametersVersion, ...RegionalParametersVersion[]])
      .default(DEFAULT_REGIONAL_PARAMETERS_VERSION),
  })
  .superRefine((provisioning, context) => {
    if (provisioning.enabled && provisioning.frequencyPlanId === undefined) {
      context.addIssue({
        code: "custom",
        path: ["frequencyPlanId"],
        message: "is required when provisioning is enabled: the frequency plan of things without frequencyPlanID",
      });
    }
    if (provisioning.deleteInTts && !provisioning.enabled) {
      context.addIssue({ code: "custom", path: ["deleteInTts"], message: "needs provisioning.enabled" });
    }
  })
  .default(PROVISIONING_DEFAULT);

const ThingsSchema = z
  .strictObject({
    typeName: z.string().regex(THING_NAME_PATTERN, "must be a valid IoT thing type name").default("lorawan"),
    nameScheme: z.enum(THING_NAME_SCHEMES).default("DevEUI"),
    /** Shadow updates cost money; off skips them. */
    shadowMetrics: z.boolean().default(true),
    /** Also report each uplink's `decoded_payload` in the shadow (off: it can be large, and personal). */
    shadowDecodedPayload: z.boolean().default(false),
    /** ensure-thing's known-thing cache expiry (THING_CACHE_TTL_SECONDS): longer than the devices' uplink interval. */
    cacheTtlSeconds: z
      .number()
      .int()
      .min(THING_CACHE_TTL_SECONDS.min)
      .max(THING_CACHE_TTL_SECONDS.max)
      .default(THING_CACHE_TTL_SECONDS.fallback),
    provisioning: ProvisioningSchema,
  })
  .default({
    typeName: "lorawan",
    nameScheme: "DevEUI",
    shadowMetrics: true,
    shadowDecodedPayload: false,
    cacheTtlSeconds: THING_CACHE_TTL_SECONDS.fallback,
    provisioning: PROVISIONING_DEFAULT,
  });

/** Step Functions' logging levels, least to most selective (AWS Step Functions Developer Guide, "Log levels"). */
export const WORKFLOW_LOG_LEVELS = ["ALL", "ERROR", "FATAL", "OFF"] as const;
export type WorkflowLogLevel = (typeof WORKFLOW_LOG_LEVELS)[number];

const WorkflowsSchema = z
  .strictObject({
    /**
     * `ERROR` by default: failed executions are logged with their data, successful ones not at all.
     * `ALL` + execution data shows every state's input and output in the console, but its ~57 KB of
     * log per execution is most of the cost per uplink (docs/cost.md).
     */
    logLevel: z.enum(WORKFLOW_LOG_LEVELS).default("ERROR"),
    includeExecutionData: z.boolean().default(true),
    /** X-Ray for the state machines and the functions. */
    tracing: z.boolean().default(true),
  })
  .default({ logLevel: "ERROR", includeExecutionData: true, tracing: true });

const LogRetention = z
  .number()
  .int()
  .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    error: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
  });

const LocalBackendSchema = z.strictObject({
  type: z.literal("local"),
  /** Relative to the configuration file; kept outside `cdktf.out`, which synth may clean. */
  path: z
    .string()
    .min(1)
    .refine((path) => !path.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(path), {
      error: "must be a relative path (an absolute one breaks on every other machine)",
    }),
});

const S3BackendSchema = z.strictObject({
  type: z.literal("s3"),
  bucket: z.string().min(3),
  key: z.string().min(1),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as eu-west-1"),
  /** Terraform's legacy lock table; prefer `useLockfile` with Terraform ≥ 1.10 / OpenTofu ≥ 1.10. */
  dynamodbTable: z.string().min(3).optional(),
  useLockfile: z.boolean().default(false),
});

export const StateBackendSchema = z.discriminatedUnion("type", [LocalBackendSchema, S3BackendSchema]);

const TagsSchema = z
  .record(
    z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, "tag keys: 1–128 letters, digits, spaces, _.:/=+-@"),
    z.string().max(256),
  )
  .default({});

/** Strict objects throughout: a misspelt field fails the synth instead of being silently ignored. */
export const EnvironmentSchema = z.strictObject({
  /** TTS "stack name": TTS publishes under `thethings/lorawan/<stackName>/`; also prefixes every AWS name. */
  stackName: z
    .string()
    .regex(STACK_NAME_PATTERN, "must match ^[A-Za-z][A-Za-z0-9-]*$")
    .max(MAX_STACK_NAME_LENGTH, `must be at most ${MAX_STACK_NAME_LENGTH} characters (IAM role names derive from it)`),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as eu-west-1"),
  /**
   * The AWS account this environment deploys into. Optional; when set, Terraform refuses credentials of
   * another account (`allowed_account_ids`), and environments in different accounts may share names.
   */
  accountId: AwsAccountId.optional(),
  tts: TtsSchema,
  things: ThingsSchema,
  workflows: WorkflowsSchema,
  /** For every log group of the stack (workflows and functions). */
  logRetentionDays: LogRetention.default(30),
  /** Where alarms notify (e.g. SNS topic ARNs); none by default. */
  alarmActions: z.array(z.string().startsWith("arn:", "must be an ARN")).default([]),
  tags: TagsSchema,
  /** Default: a local state file `terraform.<environment>.tfstate` next to the configuration file. */
  stateBackend: StateBackendSchema.optional(),
});

/** Environment names become Terraform stack names (`cdktf deploy <environment>`). */
export const ENVIRONMENT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

export const DeploymentConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  $comment: z.unknown().optional(),
  environments: z.record(z.string(), z.unknown()).superRefine((environments, context) => {
    const names = Object.keys(environments);
    if (names.length === 0) context.addIssue({ code: "custom", message: "must define at least one environment" });
    for (const name of names.filter((name) => !ENVIRONMENT_NAME_PATTERN.test(name))) {
      context.addIssue({
        code: "custom",
        path: [name],
        message: "environment names must match ^[A-Za-z][A-Za-z0-9_-]*$",
      });
    }
  }),
});

export type EnvironmentInput = z.input<typeof EnvironmentSchema>;
export type EnvironmentConfig = z.output<typeof EnvironmentSchema>;
export type StateBackendConfig = z.output<typeof StateBackendSchema>;
export type TtsFlavour = EnvironmentConfig["tts"]["flavour"];

/** The AWS account TTS assumes our role from. */
export function ttsPrincipalAccount(tts: EnvironmentConfig["tts"]): string {
  return tts.flavour === "enterprise" ? tts.principalAccountId : TTS_PRINCIPAL_ACCOUNTS[tts.flavour];
}

/** The deployment's one TTS application (see ONE_APPLICATION_PER_STACK_NAME). */
export function deploymentApplicationId(tts: EnvironmentConfig["tts"]): string {
  const [applicationId] = tts.applicationIds;
  if (applicationId === undefined) throw new Error("tts.applicationIds must list one application");
  return applicationId;
}
