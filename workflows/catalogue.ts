/**
 * Every workflow and rule of the product. `main.ts` binds them to real Lambda ARNs; the local
 * runtime binds the very same definitions to in-process handlers.
 */
import type { StateMachineDefinition } from "./asl.ts";
import type { TopicRule } from "./topic-rule.ts";
import { upstreamRules } from "./upstream-rules.ts";
import { upstreamWorkflow, type FunctionArns } from "./upstream-workflow.ts";

export const WORKFLOWS = {
  upstream: {
    description: "TTS upstream messages → IoT thing, lorawan shadow, lorawan/<thing>/… topics",
    definition: upstreamWorkflow,
  },
} as const satisfies Record<string, { description: string; definition: (arnOf: FunctionArns) => StateMachineDefinition }>;

export type WorkflowName = keyof typeof WORKFLOWS;

export const WORKFLOW_NAMES = Object.keys(WORKFLOWS) as WorkflowName[];

export function topicRules(stackName: string): TopicRule[] {
  return [...upstreamRules(stackName)];
}

/** One state machine per workflow and deployment, e.g. `prod-eu1-upstream`. */
export function stateMachineName(stackName: string, workflow: WorkflowName): string {
  return `${stackName}-${workflow}`;
}
