/**
 * What workflow definitions, rules and the catalogue share. In a module of its own so that imports
 * run one way: the catalogue imports the workflows and rules, never the other way round.
 */
import type { FunctionName } from "../functions/catalogue.ts";

export type WorkflowName = "upstream" | "downlink" | "provisioning";

/** How a definition names the Lambdas it invokes: real ARNs on AWS, in-process handlers locally. */
export type FunctionArns = (name: FunctionName) => string;

/** What a workflow definition may depend on besides function ARNs. */
export interface WorkflowSettings {
  readonly stackName: string;
}
