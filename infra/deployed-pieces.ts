/**
 * Which pieces an environment deploys, by name: the stack builds them and `doctor` checks them, so both
 * read the list here (a light module: no CDK imports, the CLI starts fast).
 */
import { FUNCTIONS, type FunctionName } from "../functions/catalogue.ts";
import { topicRules, WORKFLOW_NAMES } from "../workflows/catalogue.ts";
import type { TopicRule } from "../workflows/topic-rule.ts";
import type { WorkflowName } from "../workflows/workflow-types.ts";
import type { EnvironmentConfig } from "./config/environment-schema.ts";

export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** The provisioning workflow's functions: deployed with it, only when `things.provisioning.enabled`. */
export const PROVISIONING_FUNCTIONS: readonly FunctionName[] = [
  "validate-device-thing",
  "register-end-device",
  "register-root-keys",
  "record-provisioning",
  "provisioning-feedback",
];

/**
 * The functions an environment deploys: all of the catalogue, except `configure-tts-pubsub` (which may
 * read every application's API key) unless Terraform is to configure the pub/sub with it, and the
 * provisioning functions unless provisioning is on.
 */
export function deployedFunctionNames(config: EnvironmentConfig): FunctionName[] {
  return FUNCTION_NAMES.filter(
    (name) =>
      (name !== "configure-tts-pubsub" || config.tts.configurePubSub) &&
      (!PROVISIONING_FUNCTIONS.includes(name) || config.things.provisioning.enabled),
  );
}

/** The workflows an environment deploys: provisioning only when enabled. */
export function deployedWorkflowNames(config: EnvironmentConfig): WorkflowName[] {
  return WORKFLOW_NAMES.filter((name) => name !== "provisioning" || config.things.provisioning.enabled);
}

/** The rules of an environment: with provisioning on, the thing registry event rules too. */
export function deployedTopicRules(config: EnvironmentConfig): TopicRule[] {
  const { provisioning, typeName } = config.things;
  return topicRules(
    config.stackName,
    provisioning.enabled ? { thingTypeName: typeName, deleteInTts: provisioning.deleteInTts } : undefined,
  );
}

/** The Lambda function's name in the account: `<stackName>-<function>`. */
export function lambdaFunctionName(stackName: string, name: FunctionName): string {
  return `${stackName}-${name}`;
}
