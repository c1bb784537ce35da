/**
 * What replaying one dead-lettered message means: start the workflow its rule could not start, with the
 * input the rule selected, under a name that says it is a replay of that message. A message that is
 * not an error action message of one of this stack's rules for this queue's workflow is skipped (and
 * left in the queue) with the reason.
 */

import type { RuleEvent } from "../../functions/core/rule-event.ts";
import { topicRules } from "../../workflows/catalogue.ts";
import { ErrorActionMessageSchema, ruleEventOf } from "../../workflows/dead-letter-queue.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";

/** Step Functions' execution name limit. */
const MAX_EXECUTION_NAME_LENGTH = 80;

export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  /** SQS's `SentTimestamp` attribute, ms since the epoch. */
  readonly sentTimestamp: number;
}

export type ReplayPlan =
  | {
      readonly kind: "start";
      readonly rule: string;
      readonly topic: string;
      readonly executionName: string;
      readonly input: RuleEvent;
      /** Why it was dead-lettered. */
      readonly failure: string;
    }
  | { readonly kind: "skip"; readonly reason: string };

export function planReplay(message: DeadLetter, workflow: WorkflowName, stackName: string): ReplayPlan {
  let json: unknown;
  try {
    json = JSON.parse(message.body);
  } catch {
    return { kind: "skip", reason: "not JSON: not an IoT rule error action message" };
  }
  const parsed = ErrorActionMessageSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "(message)"))].join(", ");
    return { kind: "skip", reason: `not an IoT rule error action message (bad ${fields})` };
  }
  const rule = topicRules(stackName).find((candidate) => candidate.name === parsed.data.ruleName);
  if (rule === undefined)
    return { kind: "skip", reason: `rule ${parsed.data.ruleName} is not one of stack ${stackName}'s` };
  if (rule.workflow !== workflow) {
    return { kind: "skip", reason: `rule ${rule.name} starts the ${rule.workflow} workflow, not ${workflow}` };
  }
  const id = message.messageId.replace(/[^A-Za-z0-9_-]/g, "-");
  return {
    kind: "start",
    rule: rule.name,
    topic: parsed.data.topic,
    executionName: `${rule.executionNamePrefix}-replay-${id}`.slice(0, MAX_EXECUTION_NAME_LENGTH),
    input: ruleEventOf(parsed.data, message.sentTimestamp),
    failure: parsed.data.failures[0]?.errorMessage ?? "",
  };
}
