/**
 * The local runtime's configuration: every option from the command line or from an environment
 * variable of the same name (`--mqtt-port` ↔ `MQTT_PORT`), validated with messages naming the option.
 */
import { z } from "zod";
import type { ThingNameScheme } from "../../functions/core/thing-name.ts";
import { SETTINGS, type SettingsEnvironment } from "../../functions/settings.ts";
import { WORKFLOW_LOG_LEVELS, type WorkflowLogLevel } from "../../infra/config/environment-schema.ts";
import { configFilePath, loadDeploymentConfig } from "../../infra/config/load-config.ts";
import { DEFAULT_MAX_EXECUTION_BYTES, DEFAULT_MAX_EXECUTIONS } from "../aws/execution-store.ts";
import { DEPLOYMENT_RIGHTS, parseRights, type TtsRight } from "../tts-simulator/rights.ts";
import { DEFAULT_MAX_BACKLOG, DEFAULT_MAX_BACKLOG_BYTES } from "./inbox/inbox.ts";

type ThingSetting = keyof SettingsEnvironment<"ensure-thing">;
type ShadowSetting = keyof SettingsEnvironment<"update-shadow">;

const Port = z.coerce.number().int().min(0).max(65_535);

export const LOCAL_OPTIONS = {
  environment: {
    env: "DEPLOYMENT_ENVIRONMENT",
    schema: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]*$/)
      .optional(),
    help: "take stack name, thing settings (type, name scheme, shadow) and workflow logging from this environment of tts-aws-iot.config.json",
  },
  "bind-host": {
    env: "BIND_HOST",
    schema: z.string().min(1).default("127.0.0.1"),
    help: "address every endpoint listens on",
  },
  "mqtt-port": {
    env: "MQTT_PORT",
    schema: Port.default(1883),
    help: "MQTT (TCP) port of the broker standing in for IoT Core",
  },
  "mqtt-ws-port": { env: "MQTT_WS_PORT", schema: Port.default(9001), help: "MQTT over WebSocket port (path /mqtt)" },
  "aws-port": {
    env: "AWS_PORT",
    schema: Port.default(4566),
    help: "AWS-compatible endpoint (IoT, IoT data, Secrets Manager, Step Functions)",
  },
  "tts-port": { env: "TTS_PORT", schema: Port.default(1885), help: "TTS simulator HTTP API port" },
  "inspector-port": {
    env: "INSPECTOR_PORT",
    schema: Port.default(8080),
    help: "execution inspector web page (0 = no inspector)",
  },
  // The options that become function settings carry their variable's name and schema (typed against
  // `functions/settings.ts`): one spelling locally and in Lambda. The switches stay on/off on the command line.
  "stack-name": {
    env: "STACK_NAME" satisfies ThingSetting,
    schema: z._default(SETTINGS["ensure-thing"].shape.STACK_NAME, "local"),
    help: "TTS stack name: TTS publishes under thethings/lorawan/<stack-name>/",
  },
  devices: {
    env: "DEVICES",
    schema: z.coerce.number().int().min(0).max(100_000).default(5),
    help: "simulated TTS devices (0 = no simulated traffic)",
  },
  interval: {
    env: "INTERVAL",
    schema: z.coerce.number().min(0.01).max(86_400).default(30),
    help: "seconds between two uplinks of one simulated device",
  },
  "tts-api-key": {
    env: "TTS_API_KEY",
    schema: z
      .string()
      .regex(/^[\x21-\x7e]{8,256}$/, "must be 8–256 printable characters without spaces")
      .default("NNSXS.LOCAL-SIMULATOR-API-KEY"),
    help: "API key the TTS simulator accepts; the local secret holds it for enqueue-downlink",
    secret: true,
  },
  "tts-api-key-rights": {
    env: "TTS_API_KEY_RIGHTS",
    schema: z
      .string()
      .default(DEPLOYMENT_RIGHTS.join(","))
      .transform((text, context): TtsRight[] => {
        try {
          return parseRights(text);
        } catch (error) {
          context.addIssue({ code: "custom", message: (error as Error).message });
          return z.NEVER;
        }
      }),
    help: "TTS rights of that key (comma-separated RIGHT_APPLICATION_… names): fewer to see how the bridge copes",
  },
  "data-dir": {
    env: "DATA_DIR",
    schema: z.string().min(1).default(".data"),
    help: "where things, shadows, secrets and executions are kept",
  },
  "thing-type-name": {
    env: "THING_TYPE_NAME" satisfies ThingSetting,
    schema: SETTINGS["ensure-thing"].shape.THING_TYPE_NAME,
    help: "thing type of created things",
  },
  "thing-name-scheme": {
    env: "THING_NAME_SCHEME" satisfies ThingSetting,
    schema: SETTINGS["ensure-thing"].shape.THING_NAME_SCHEME,
    help: "DevEUI or DeviceID",
  },
  "shadow-metrics": {
    env: "SHADOW_METRICS" satisfies ShadowSetting,
    schema: z.enum(["on", "off"]).default("on"),
    help: "update the lorawan shadow (on|off)",
  },
  "shadow-decoded-payload": {
    env: "SHADOW_DECODED_PAYLOAD" satisfies ShadowSetting,
    schema: z.enum(["on", "off"]).default("off"),
    help: "also report each uplink's decoded_payload in the shadow (on|off)",
  },
  // Devices created in TTS from things (`things.provisioning` in the deployment configuration); off as there.
  provisioning: {
    env: "PROVISIONING",
    schema: z.enum(["on", "off"]).default("off"),
    help: "create a thing's device in TTS when a thing of ours is created, with the registry events on (on|off)",
  },
  "delete-in-tts": {
    env: "DELETE_IN_TTS",
    schema: z.enum(["on", "off"]).default("off"),
    help: "with provisioning on, also delete the TTS device when its thing is deleted (on|off)",
  },
  "frequency-plan-id": {
    env: "FREQUENCY_PLAN_ID" satisfies keyof SettingsEnvironment<"validate-device-thing">,
    // The simulator's devices are EU868 ones.
    schema: z._default(SETTINGS["validate-device-thing"].shape.FREQUENCY_PLAN_ID, "EU_863_870_TTN"),
    help: "frequency plan of provisioned devices whose thing has no frequencyPlanID",
  },
  // Step Functions' logging configuration, with the deployed defaults (`workflows` in the deployment configuration).
  "workflow-log-level": {
    env: "WORKFLOW_LOG_LEVEL",
    schema: z.enum(WORKFLOW_LOG_LEVELS).default("ALL"),
    help: "execution history events written to the workflows' log groups: ALL, ERROR, FATAL or OFF",
  },
  "include-execution-data": {
    env: "INCLUDE_EXECUTION_DATA",
    schema: z.enum(["on", "off"]).default("on"),
    help: "include each event's input and output in the workflows' logs (on|off)",
  },
  "max-executions": {
    env: "MAX_EXECUTIONS",
    schema: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_EXECUTIONS),
    help: "workflow executions kept on disk (newest first)",
  },
  "max-execution-bytes": {
    env: "MAX_EXECUTION_BYTES",
    // The journal takes at most about twice this between compactions.
    schema: z.coerce.number().int().min(1_048_576).max(4_294_967_296).default(DEFAULT_MAX_EXECUTION_BYTES),
    help: "bytes the kept executions may take on disk; the oldest finished ones are dropped beyond it",
  },
  "max-backlog": {
    env: "MAX_BACKLOG",
    schema: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_BACKLOG),
    help: "accepted messages waiting for or in a workflow execution; at this many, acknowledgements wait",
  },
  "max-backlog-mb": {
    env: "MAX_BACKLOG_MB",
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(DEFAULT_MAX_BACKLOG_BYTES / 2 ** 20),
    help: "the same bound in megabytes of recorded workflow input",
  },
} as const;

export type LocalOptionName = keyof typeof LOCAL_OPTIONS;

export interface LocalConfig {
  readonly environment?: string | undefined;
  readonly bindHost: string;
  readonly mqttPort: number;
  readonly mqttWsPort: number;
  readonly awsPort: number;
  readonly ttsPort: number;
  readonly inspectorPort: number;
  readonly stackName: string;
  readonly devices: number;
  readonly interval: number;
  readonly ttsApiKey: string;
  readonly ttsApiKeyRights: readonly TtsRight[];
  readonly dataDir: string;
  readonly thingTypeName: string;
  readonly thingNameScheme: ThingNameScheme;
  readonly shadowMetrics: "on" | "off";
  readonly shadowDecodedPayload: "on" | "off";
  readonly provisioning: "on" | "off";
  readonly deleteInTts: "on" | "off";
  readonly frequencyPlanId: string;
  readonly workflowLogLevel: WorkflowLogLevel;
  readonly includeExecutionData: "on" | "off";
  readonly maxExecutions: number;
  readonly maxExecutionBytes: number;
  readonly maxBacklog: number;
  readonly maxBacklogMb: number;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type OptionValues = Partial<Record<LocalOptionName, string>>;

/**
 * Options win over environment variables, which win over the deployment environment named by
 * `--environment` (the same configuration `cdktf deploy` uses), which wins over defaults.
 */
export function resolveConfig(options: OptionValues, env: Readonly<Record<string, string | undefined>>): LocalConfig {
  const environment = options.environment ?? nonEmpty(env[LOCAL_OPTIONS.environment.env]);
  const shared = environment !== undefined ? sharedSettings(environment, env) : {};
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, option] of Object.entries(LOCAL_OPTIONS) as [
    LocalOptionName,
    (typeof LOCAL_OPTIONS)[LocalOptionName],
  ][]) {
    const fromOption = options[name];
    const fromEnv = nonEmpty(env[option.env]);
    const raw = fromOption ?? fromEnv ?? shared[name];
    const result = option.schema.safeParse(raw);
    if (result.success) {
      values[camelCase(name)] = result.data;
    } else {
      const source =
        fromOption !== undefined
          ? `--${name}`
          : fromEnv !== undefined
            ? `${option.env} (environment)`
            : `environment "${environment}" of the deployment configuration`;
      // A secret's value is never echoed, not even a wrong one: it may be the real key with a typo.
      const shown = "secret" in option ? `(hidden, ${String(raw ?? "").length} characters)` : JSON.stringify(raw);
      problems.push(`${source} = ${shown}: ${result.error.issues.map((issue) => issue.message).join(", ")}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  const config = values as unknown as LocalConfig;
  const ports = {
    "--mqtt-port": config.mqttPort,
    "--mqtt-ws-port": config.mqttWsPort,
    "--aws-port": config.awsPort,
    "--tts-port": config.ttsPort,
    "--inspector-port": config.inspectorPort,
  };
  const taken = new Map<number, string>();
  for (const [option, port] of Object.entries(ports)) {
    if (port === 0) continue;
    const other = taken.get(port);
    if (other !== undefined) throw new ConfigError(`invalid configuration: ${other} and ${option} are both ${port}`);
    taken.set(port, option);
  }
  return config;
}

/** What the local runtime shares with a deployed environment: everything that shapes things and topics. */
function sharedSettings(environment: string, env: Readonly<Record<string, string | undefined>>): OptionValues {
  const file = configFilePath(env);
  let loaded: ReturnType<typeof loadDeploymentConfig>;
  try {
    loaded = loadDeploymentConfig(file);
  } catch (error) {
    throw new ConfigError(`invalid configuration: --environment ${environment}: ${(error as Error).message}`);
  }
  const found = loaded.environments.find((candidate) => candidate.name === environment);
  if (found === undefined) {
    const known = loaded.environments.map((candidate) => candidate.name).join(", ");
    throw new ConfigError(
      `invalid configuration: --environment ${environment}: ${file} has no such environment (it has: ${known})`,
    );
  }
  const { stackName, things, workflows } = found.config;
  return {
    "stack-name": stackName,
    "thing-type-name": things.typeName,
    "thing-name-scheme": things.nameScheme,
    "shadow-metrics": things.shadowMetrics ? "on" : "off",
    "shadow-decoded-payload": things.shadowDecodedPayload ? "on" : "off",
    provisioning: things.provisioning.enabled ? "on" : "off",
    "delete-in-tts": things.provisioning.deleteInTts ? "on" : "off",
    ...(things.provisioning.frequencyPlanId !== undefined
      ? { "frequency-plan-id": things.provisioning.frequencyPlanId }
      : {}),
    "workflow-log-level": workflows.logLevel,
    "include-execution-data": workflows.includeExecutionData ? "on" : "off",
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
