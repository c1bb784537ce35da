/**
 * The IoT rules engine of the local runtime: every message on the broker is evaluated against the
 * rule definitions from `workflows/`, and each rule that selects it starts its workflow with the SQL
 * result as input, as the IoT `stepFunctions` action does. A rule whose SQL this evaluator does not
 * support fails start-up with the reason, rather than silently never firing.
 */

import type { TopicRule } from "../../workflows/topic-rule.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";
import type { BrokerMessage } from "../broker/broker.ts";
import { compileRule } from "../rules/index.ts";

export interface RuleTarget {
  /**
   * Starts (or durably queues) `workflow` for `message`; a promise makes the broker wait with the
   * message's acknowledgement until it settles, and a rejection refuses the message.
   */
  start(
    workflow: WorkflowName,
    input: unknown,
    options: { namePrefix: string; rule: string; message: BrokerMessage },
  ): Promise<void> | unknown;
}

export interface RuleFailure {
  readonly rule: string;
  readonly topic: string;
  readonly error: Error;
}

export class UnsupportedRuleError extends Error {
  override readonly name = "UnsupportedRule";
}

/** @returns what the broker waits for before acknowledging; undefined when no rule took the message. */
export type RulesEngine = (message: BrokerMessage) => Promise<void> | undefined;

/**
 * @param onFailure what AWS does with a rule's error action: a failed start is reported, never lost
 *   silently (the deployed stack sends it to a dead-letter queue).
 */
export function createRulesEngine(
  rules: readonly TopicRule[],
  target: RuleTarget,
  onFailure: (failure: RuleFailure) => void,
): RulesEngine {
  const compiled = rules.map((rule) => {
    try {
      return { rule, sql: compileRule(rule.sql) };
    } catch (error) {
      throw new UnsupportedRuleError(`rule ${rule.name}: ${(error as Error).message}\n  SQL: ${rule.sql}`);
    }
  });
  return (message) => {
    const pending: Promise<unknown>[] = [];
    for (const { rule, sql } of compiled) {
      try {
        const input = sql.evaluate({
          topic: message.topic,
          payload: message.payload,
          ...(message.clientId !== undefined ? { clientId: message.clientId } : {}),
        });
        if (input === undefined) continue;
        const started = target.start(rule.workflow, input, {
          namePrefix: rule.executionNamePrefix,
          rule: rule.name,
          message,
        });
        if (started instanceof Promise) pending.push(started);
      } catch (error) {
        onFailure({ rule: rule.name, topic: message.topic, error: error as Error });
      }
    }
    return pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined);
  };
}
