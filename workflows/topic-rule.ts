/** An IoT topic rule that starts a workflow, defined once for both the cdktf stack and the local rules engine. */

import { RULE_EVENT_FIELDS as F } from "../functions/core/rule-event.ts";
import type { WorkflowName } from "./workflow-types.ts";

export interface TopicRule {
  /** `^[a-zA-Z0-9_]+$` (IoT rule names allow no dashes). */
  readonly name: string;
  readonly description: string;
  readonly sql: string;
  readonly sqlVersion: "2016-03-23";
  readonly workflow: WorkflowName;
  /** Says in the execution list which event started it. */
  readonly executionNamePrefix: string;
}

export const SQL_VERSION = "2016-03-23";

/** IoT rule names allow `[a-zA-Z0-9_]` only; our stack names may contain `-`. */
export function ruleName(...parts: string[]): string {
  return parts.join("_").replace(/-/g, "_");
}

/**
 * Every rule of ours selects the raw message this way (see `RuleEvent`): base64 keeps non-JSON
 * payloads, which `SELECT *` would make the Step Functions action drop.
 */
export const SELECT_RULE_EVENT =
  `SELECT encode(*, 'base64') AS ${F.payload}, topic() AS ${F.topic}, ` +
  `clientid() AS ${F.clientId}, timestamp() AS ${F.timestamp}`;
