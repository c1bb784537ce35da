/**
 * Which pieces an environment deploys, by name: the stack builds them and `doctor` checks them, so both
 * read the list here (a light module: no CDK imports, the CLI starts fast).
 */
import { FUNCTIONS, type FunctionName, featureOf, type OptionalFeature } from "../functions/catalogue.ts";
import { topicRules, WORKFLOW_NAMES, workflowFeatureOf } from "../workflows/catalogue.ts";
import type { TopicRule } from "../workflows/topic-rule.ts";
import type { WorkflowName } from "../workflows/workflow-types.ts";
import type { EnvironmentConfig } from "./config/environment-schema.ts";

export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** Whether an environment turns a feature on. */
const FEATURE_ON: { readonly [F in OptionalFeature]: (config: EnvironmentConfig) => boolean } = {
  pubSubConfiguration: (config) => config.tts.configurePubSub,
  provisioning: (config) => config.things.provisioning.enabled,
};

/** A piece every environment deploys (no feature), or one of a feature the environment turns on. */
function deploys(config: EnvironmentConfig, feature: OptionalFeature | undefined): boolean {
  return feature === undefined || FEATURE_ON[feature](config);
}

/**
 * The functions an environment deploys: the catalogue's, less those of features it leaves off
 * (`configure-tts-pubsub` without `tts.configurePubSub`, the provisioning functions without provisioning).
 */
export function deployedFunctionNames(config: EnvironmentConfig): FunctionName[] {
  return FUNCTION_NAMES.filter((name) => deploys(config, featureOf(name)));
}

/** The workflows an environment deploys: the catalogue's, less those of features it leaves off (provisioning). */
export function deployedWorkflowNames(config: EnvironmentConfig): WorkflowName[] {
  return WORKFLOW_NAMES.filter((name) => deploys(config, workflowFeatureOf(name)));
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
