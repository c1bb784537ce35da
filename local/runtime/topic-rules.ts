/**
 * The IoT rules engine of the local runtime: every message on the broker is evaluated against the
 * rule definitions from `workflows/`, and each rule that selects it starts its workflow with the SQL
 * result as input, as the IoT `stepFunctions` action does. A rule whose SQL this evaluator does not
 * support fails start-up with the reason, rather than silently never firing.
 */

import type { TopicRule } from "../../workflows/topic-rule.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";
import type { BrokerMessage } from "../broker/broker.ts";
import { asParsedByJavaScript, compileRule } from "../rules/index.ts";

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
  readonly workflow: WorkflowName;
  /**
   * `action`: the workflow could not be started, which fires the rule's error action (dead-letter queue);
   * `sql`: evaluating the rule failed, which AWS only logs ("Error handling (error action)": SQL problems are
   * debugged with AWS IoT logging, not the error action).
   */
  readonly stage: "action" | "sql";
  readonly topic: string;
  readonly payload: Uint8Array;
  /** The publishing MQTT client; undefined for messages published through the data-plane API. */
  readonly clientId: string | undefined;
  readonly error: Error;
}

export class UnsupportedRuleError extends Error {
  override readonly name = "UnsupportedRule";
}

/** @returns what the broker waits for before acknowledging; undefined when no rule took the message. */
export type RulesEngine = (message: BrokerMessage) => Promise<void> | undefined;

/**
 * @param onFailure a failed start is what fires the rule's error action (the runtime dead-letters it, as the
 *   deployed stack does); a failed evaluation is reported too, never lost silently.
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
    const ruleMessage = {
      topic: message.topic,
      payload: message.payload,
      ...(message.clientId !== undefined ? { clientId: message.clientId } : {}),
    };
    for (const { rule, sql } of compiled) {
      const fail = (stage: RuleFailure["stage"], error: unknown) =>
        onFailure({
          rule: rule.name,
          workflow: rule.workflow,
          stage,
          topic: message.topic,
          payload: message.payload,
          clientId: message.clientId,
          error: error as Error,
        });
      let input: Record<string, unknown> | undefined;
      try {
        input = sql.evaluate(ruleMessage);
      } catch (error) {
        fail("sql", error);
        continue;
      }
      if (input === undefined) continue;
      try {
        // The workflow's JavaScript steps read the action's JSON as JSON.parse does: 64-bit ints become doubles.
        const started = target.start(rule.workflow, asParsedByJavaScript(input), {
          namePrefix: rule.executionNamePrefix,
          rule: rule.name,
          message,
        });
        if (started instanceof Promise) pending.push(started);
      } catch (error) {
        fail("action", error);
      }
    }
    return pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined);
  };
}
