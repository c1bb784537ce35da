/**
 * Which deployment a command talks to, and how: `--environment <name>` (the deployment configuration's
 * stack name and region, credentials from the SDK's default chain), `--endpoint-url <url>` (any
 * AWS-compatible endpoint) or `--local` (the embedded default). Every command then builds the same
 * AWS SDK v3 clients from the resulting variables; only the endpoint differs.
 */

import { STACK_NAME_PATTERN } from "../functions/core/thing-name.ts";
import type { Environment } from "../functions/runtime/aws-clients.ts";
import { SETTINGS } from "../functions/settings.ts";
import type { EnvironmentConfig } from "../infra/config/environment-schema.ts";
import { configFilePath, DeploymentConfigError, loadDeploymentConfig } from "../infra/config/load-config.ts";
import { LOCAL_DEFAULT } from "./local-default.ts";
import { PROGRAM } from "./program.ts";
import { UsageError } from "./usage-error.ts";

export interface TargetOptions {
  readonly environment?: string | undefined;
  readonly endpointUrl?: string | undefined;
  readonly local?: boolean | undefined;
  readonly stackName?: string | undefined;
  readonly region?: string | undefined;
  /** Override the TTS cluster URL (e.g. a TTS simulator on another port). */
  readonly ttsUrl?: string | undefined;
  /** Override the TTS application (with a bare --endpoint-url: names it, with --tts-url). */
  readonly ttsApplication?: string | undefined;
}

export interface WorkflowLogging {
  readonly logLevel: string;
  readonly includeExecutionData: boolean;
}

/** Whether successful executions and their input (which names the thing) reach the log groups. */
export function logsSuccesses(target: Target): boolean {
  const logging = target.workflowLogging;
  return logging === undefined || (logging.logLevel === "ALL" && logging.includeExecutionData);
}

/** The TTS side of a deployment: where its applications live and whether the stack sets their pub/sub. */
export interface TargetTts {
  readonly url: string;
  readonly applicationIds: readonly string[];
  readonly configurePubSub: boolean;
  /** Devices are created in TTS from things (`things.provisioning.enabled`): the key writes devices. */
  readonly provisioning: boolean;
}

export interface Target {
  readonly stackName: string;
  /** Unknown for a bare `--endpoint-url` (no deployment configuration names it). */
  readonly tts: TargetTts | undefined;
  /** A broker that serves the deployment's topics to a plain MQTT client: the embedded default's; none on AWS. */
  readonly mqttUrl: string | undefined;
  /** The thing type the stack creates things with (the environment's, else the functions' default). */
  readonly thingTypeName: string;
  /**
   * How the workflows log, from the deployment configuration; unknown for `--endpoint-url`. The embedded
   * default logs at `ALL` with execution data.
   */
  readonly workflowLogging: WorkflowLogging | undefined;
  /** The environment of the deployment configuration (`--environment`): what the stack deploys. */
  readonly deployment: EnvironmentConfig | undefined;
  /** The embedded default (`--local`): its handlers run in-process, its TTS is the simulator. */
  readonly local: boolean;
  /** The options that name this target again, for the commands a fix suggests. */
  readonly arguments: readonly string[];
  /** The SDK's standard variables (`AWS_REGION`, `AWS_ENDPOINT_URL`, …) for `clientConfig`. */
  readonly sdkEnvironment: Environment;
  /** e.g. `environment staging (tts-staging, eu-west-1)` or `http://127.0.0.1:4566 (local)`. */
  readonly description: string;
}

export function resolveTarget(options: TargetOptions, env: Environment, cwd = process.cwd()): Target {
  if (options.local && options.endpointUrl !== undefined) {
    throw new UsageError("--local and --endpoint-url both name an endpoint: give one");
  }
  if (!options.local && options.endpointUrl === undefined && options.environment === undefined) {
    throw new UsageError("say which deployment: --environment <name> (AWS), --endpoint-url <url> or --local");
  }
  const deployment = options.environment === undefined ? undefined : environmentNamed(options.environment, env, cwd);
  const stackName = options.stackName ?? deployment?.stackName ?? (options.local ? LOCAL_DEFAULT.stackName : undefined);
  if (stackName === undefined) throw new UsageError("--endpoint-url needs --stack-name or --environment");
  if (!STACK_NAME_PATTERN.test(stackName)) throw new UsageError(`--stack-name ${stackName}: not a stack name`);
  const tts = ttsOf(options, options.local ? LOCAL_DEFAULT.tts : deployment?.tts);
  const thingTypeName = deployment?.thingTypeName ?? SETTINGS["ensure-thing"].shape.THING_TYPE_NAME.parse(undefined);
  const args = [
    ...(options.environment === undefined ? [] : ["--environment", options.environment]),
    ...(options.local ? ["--local"] : []),
    ...(options.endpointUrl === undefined ? [] : ["--endpoint-url", options.endpointUrl]),
    ...(options.stackName === undefined ? [] : ["--stack-name", options.stackName]),
    ...(options.region === undefined ? [] : ["--region", options.region]),
    ...(options.ttsUrl === undefined ? [] : ["--tts-url", options.ttsUrl]),
    ...(options.ttsApplication === undefined ? [] : ["--tts-application", options.ttsApplication]),
  ];

  if (options.local) {
    return {
      stackName,
      tts,
      mqttUrl: LOCAL_DEFAULT.mqttUrl,
      thingTypeName,
      workflowLogging: { logLevel: "ALL", includeExecutionData: true },
      deployment: undefined,
      local: true,
      arguments: args,
      sdkEnvironment: {
        ...env,
        AWS_ENDPOINT_URL: LOCAL_DEFAULT.endpointUrl,
        AWS_REGION: options.region ?? LOCAL_DEFAULT.region,
        AWS_ACCESS_KEY_ID: LOCAL_DEFAULT.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_DEFAULT.credentials.secretAccessKey,
        AWS_SESSION_TOKEN: undefined,
      },
      description: `${LOCAL_DEFAULT.endpointUrl} (local, stack ${stackName})`,
    };
  }
  const region = options.region ?? deployment?.region ?? env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"];
  const sdkEnvironment: Environment = {
    ...env,
    ...(region === undefined ? {} : { AWS_REGION: region }),
    ...(options.endpointUrl === undefined ? {} : { AWS_ENDPOINT_URL: options.endpointUrl }),
  };
  const where = options.endpointUrl ?? `environment ${options.environment}`;
  return {
    stackName,
    tts,
    mqttUrl: undefined,
    thingTypeName,
    workflowLogging: deployment?.workflowLogging,
    deployment: deployment?.config,
    local: false,
    arguments: args,
    sdkEnvironment,
    description: `${where} (stack ${stackName}, ${region ?? "no region"})`,
  };
}

/** The deployment's (or the embedded default's) TTS side with `--tts-url` / `--tts-application` applied. */
function ttsOf(options: TargetOptions, configured: TargetTts | undefined): TargetTts | undefined {
  const { ttsUrl, ttsApplication } = options;
  if (ttsUrl !== undefined && !/^https?:\/\/[^/]/.test(ttsUrl))
    throw new UsageError(`--tts-url ${ttsUrl}: not an http(s) URL`);
  if (configured === undefined) {
    if (ttsUrl === undefined && ttsApplication === undefined) return undefined;
    if (ttsUrl === undefined || ttsApplication === undefined) {
      throw new UsageError("without --environment or --local, give both --tts-url and --tts-application");
    }
    return { url: ttsUrl, applicationIds: [ttsApplication], configurePubSub: false, provisioning: false };
  }
  return {
    url: ttsUrl ?? configured.url,
    applicationIds: ttsApplication === undefined ? configured.applicationIds : [ttsApplication],
    configurePubSub: configured.configurePubSub,
    provisioning: configured.provisioning,
  };
}

/** `npx tts-aws-iot <command> <the target's options>`: what a fix or hint tells to run next. */
export function again(target: Target, command: string): string {
  return `npx ${PROGRAM} ${command} ${target.arguments.join(" ")}`.trimEnd();
}

/**
 * `aws <command> --region <r> [--endpoint-url <url>]`: an AWS CLI command a fix or hint prints, aimed
 * at the target's region and endpoint (not the caller's default profile, nor AWS for a local target).
 */
export function awsCommand(target: Target, command: string): string {
  const { AWS_REGION: region, AWS_ENDPOINT_URL: endpointUrl } = target.sdkEnvironment;
  return [
    "aws",
    command,
    ...(region === undefined ? [] : ["--region", region]),
    ...(endpointUrl === undefined ? [] : ["--endpoint-url", endpointUrl]),
  ].join(" ");
}

function environmentNamed(
  name: string,
  env: Environment,
  cwd: string,
): {
  stackName: string;
  region: string;
  thingTypeName: string;
  tts: TargetTts;
  workflowLogging: WorkflowLogging;
  config: EnvironmentConfig;
} {
  try {
    const config = loadDeploymentConfig(configFilePath(env, cwd));
    const found = config.environments.find((candidate) => candidate.name === name);
    if (found === undefined) {
      const known = config.environments.map((candidate) => candidate.name).join(", ");
      throw new UsageError(`--environment ${name}: ${config.file} has no such environment (it has: ${known})`);
    }
    const { stackName, region, things, tts, workflows } = found.config;
    const { url, applicationIds, configurePubSub } = tts;
    const { logLevel, includeExecutionData } = workflows;
    return {
      stackName,
      region,
      thingTypeName: things.typeName,
      tts: { url, applicationIds, configurePubSub, provisioning: things.provisioning.enabled },
      workflowLogging: { logLevel, includeExecutionData },
      config: found.config,
    };
  } catch (error) {
    if (error instanceof DeploymentConfigError) throw new UsageError(error.message);
    throw error;
  }
}
