/**
 * Loads the deployment configuration (`tts-aws-iot.config.json` at the project root, or the file
 * named by `TTS_AWS_IOT_CONFIG`) and validates every environment on its own, so that a mistake is
 * reported with the environment and the field it is in.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { z } from "zod";
import { DeploymentConfigSchema, type EnvironmentConfig, EnvironmentSchema } from "./environment-schema.ts";

export const DEFAULT_CONFIG_FILE = "tts-aws-iot.config.json";
export const CONFIG_FILE_VARIABLE = "TTS_AWS_IOT_CONFIG";

export class DeploymentConfigError extends Error {
  override readonly name = "DeploymentConfigError";
}

export interface Environment {
  /** The Terraform stack id: `cdktf deploy <name>`. */
  readonly name: string;
  readonly config: EnvironmentConfig;
}

export interface DeploymentConfig {
  readonly file: string;
  readonly environments: readonly Environment[];
}

/** The file `TTS_AWS_IOT_CONFIG` names, else `tts-aws-iot.config.json`, relative to `cwd`. */
export function configFilePath(env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): string {
  const fromEnv = env[CONFIG_FILE_VARIABLE]?.trim();
  return resolve(cwd, fromEnv ? fromEnv : DEFAULT_CONFIG_FILE);
}

export function loadDeploymentConfig(file: string): DeploymentConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new DeploymentConfigError(`cannot read the deployment configuration ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DeploymentConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return { file, environments: parseDeploymentConfig(json, file) };
}

/** Validates an already parsed configuration; `source` only names it in error messages. */
export function parseDeploymentConfig(json: unknown, source = DEFAULT_CONFIG_FILE): Environment[] {
  const top = DeploymentConfigSchema.safeParse(json);
  if (!top.success) throw new DeploymentConfigError(`${source}: ${describeIssues(top.error)}`);

  const problems: string[] = [];
  const environments: Environment[] = [];
  for (const [name, raw] of Object.entries(top.data.environments)) {
    const parsed = EnvironmentSchema.safeParse(raw);
    if (parsed.success) environments.push({ name, config: parsed.data });
    else problems.push(...parsed.error.issues.map((issue) => `environment "${name}", ${describeIssue(issue)}`));
  }
  problems.push(...clashingNames(environments));
  if (problems.length > 0) {
    throw new DeploymentConfigError(`invalid deployment configuration ${source}:\n  ${problems.join("\n  ")}`);
  }
  return environments;
}

/**
 * Names two environments must not share when they deploy into the same account (or may: an
 * environment without `accountId` could be in any). IAM role names (`<stackName>-…`) and CloudWatch
 * dashboard names (`<stackName>`) are unique per account, across regions; the thing type, which the
 * stack owns, per account and region.
 */
function clashingNames(environments: readonly Environment[]): string[] {
  const problems: string[] = [];
  environments.forEach(({ name, config }, index) => {
    const earlier = environments.slice(0, index).filter((other) => mayShareAccount(other.config, config));
    const sameStack = earlier.find((other) => other.config.stackName === config.stackName);
    if (sameStack !== undefined) {
      problems.push(
        `environment "${name}", field stackName: "${config.stackName}" is already environment "${sameStack.name}"'s; IAM role and CloudWatch dashboard names derive from it and are unique per account, in every region (set a different accountId on each if they deploy into different accounts)`,
      );
    }
    const sameType = earlier.find(
      (other) => other.config.region === config.region && other.config.things.typeName === config.things.typeName,
    );
    if (sameType !== undefined) {
      problems.push(
        `environment "${name}", field things.typeName: "${config.things.typeName}" in ${config.region} is already environment "${sameType.name}"'s; each stack owns its thing type and thing type names are unique per account and region`,
      );
    }
  });
  return problems;
}

function mayShareAccount(a: EnvironmentConfig, b: EnvironmentConfig): boolean {
  return a.accountId === undefined || b.accountId === undefined || a.accountId === b.accountId;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map(describeIssue).join("; ");
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join(".");
  return field === "" ? issue.message : `field ${field}: ${issue.message}`;
}
