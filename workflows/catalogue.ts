/**
 * Every workflow and rule of the product. `main.ts` binds them to real Lambda ARNs; the local
 * runtime binds the very same definitions to in-process handlers.
 */
import type { OptionalFeature } from "../functions/catalogue.ts";
import type { StateMachineDefinition } from "./asl.ts";
import { downlinkRules } from "./downlink-rules.ts";
import { downlinkWorkflow } from "./downlink-workflow.ts";
import { type ProvisioningRuleOptions, provisioningRules } from "./provisioning-rules.ts";
import { provisioningWorkflow } from "./provisioning-workflow.ts";
import type { TopicRule } from "./topic-rule.ts";
import { upstreamRules } from "./upstream-rules.ts";
import { upstreamWorkflow } from "./upstream-workflow.ts";
import type { FunctionArns, WorkflowName, WorkflowSettings } from "./workflow-types.ts";

export const WORKFLOWS = {
  upstream: {
    description: "TTS upstream messages → IoT thing, lorawan shadow, lorawan/<thing>/… topics",
    definition: (arnOf: FunctionArns, _settings: WorkflowSettings) => upstreamWorkflow(arnOf),
  },
  downlink: {
    description: "Application downlink requests on lorawan/downlink → TTS downlink queue, or failed feedback",
    definition: (arnOf: FunctionArns, settings: WorkflowSettings) => downlinkWorkflow(arnOf, settings),
  },
  provisioning: {
    description:
      "AWS IoT things of ours created or deleted → their device created in (or deleted from) TTS's four registries, with rollback",
    definition: (arnOf: FunctionArns, _settings: WorkflowSettings) => provisioningWorkflow(arnOf),
    deployedWith: "provisioning",
  },
} as const satisfies Record<WorkflowName, WorkflowEntry>;

interface WorkflowEntry {
  readonly description: string;
  readonly definition: (arnOf: FunctionArns, settings: WorkflowSettings) => StateMachineDefinition;
  /** Deployed only when the environment turns this feature on (infra/deployed-pieces.ts). */
  readonly deployedWith?: OptionalFeature;
}

/** The feature a workflow comes with, or undefined for one every environment deploys. */
export function workflowFeatureOf(name: WorkflowName): OptionalFeature | undefined {
  const entry: WorkflowEntry = WORKFLOWS[name];
  return entry.deployedWith;
}

export const WORKFLOW_NAMES = Object.keys(WORKFLOWS) as WorkflowName[];

/** With `provisioning` (when the deployment creates devices from things), the thing registry event rules too. */
export function topicRules(stackName: string, provisioning?: ProvisioningRuleOptions): TopicRule[] {
  return [
    ...upstreamRules(stackName),
    ...downlinkRules(stackName),
    ...(provisioning !== undefined ? provisioningRules(stackName, provisioning) : []),
  ];
}

/**
 * The execution name prefixes every rule a deployment may have starts its executions with (`uplink`,
 * `downlink-request`, `thing-created`…): how a name tells which event started it. Provisioning's rules
 * are included whatever the configuration, built with every option on (`deleteInTts` adds the
 * `thing-deleted` rule); the thing type only changes their SQL, not their prefixes.
 */
export function executionNamePrefixes(stackName: string): string[] {
  return topicRules(stackName, { thingTypeName: "-", deleteInTts: true }).map((rule) => rule.executionNamePrefix);
}

/** One state machine per workflow and deployment, e.g. `prod-eu1-upstream`. */
export function stateMachineName(stackName: string, workflow: WorkflowName): string {
  return `${stackName}-${workflow}`;
}

/**
 * The log group Step Functions writes a state machine's execution history to (Express history exists
 * only there). The /aws/vendedlogs/ prefix keeps the resource policy Step Functions writes small.
 */
export function stateMachineLogGroupName(stateMachineName: string): string {
  return `/aws/vendedlogs/states/${stateMachineName}`;
}

/** The IAM role a state machine runs as. */
export function stateMachineRoleName(stateMachineName: string): string {
  return `${stateMachineName}-sfn`;
}
