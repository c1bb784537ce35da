/** Compiles an AWS IoT rule's SQL (version 2016-03-23, supported subset) into a message evaluator. */
import { randomUUID } from "node:crypto";
import { checkExpression } from "./check-expressions.ts";
import { evaluateExpression } from "./evaluate.ts";
import type { Fail } from "./functions.ts";
import { sqlJsonText } from "./json-values.ts";
import type { MessageScope } from "./message-scope.ts";
import { parseRule } from "./parser.ts";
import { readPayload } from "./payload.ts";
import { RuleSqlError } from "./rule-sql-error.ts";
import { planSelect, type SelectPlan } from "./select-plan.ts";
import { topicFilterProblem, topicMatcher } from "./topic-filter.ts";

export interface RuleMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  /** The publishing MQTT client; clientid() yields "n/a" without one, as AWS does for non-MQTT messages. */
  readonly clientId?: string;
}

export interface CompileOptions {
  /** Milliseconds since the epoch, for timestamp(). */
  readonly now?: () => number;
  /** For newuuid(). */
  readonly newUuid?: () => string;
}

export type RuleOutcome =
  | { readonly status: "emitted"; readonly result: Record<string, unknown> }
  /** The topic does not match the FROM filter. */
  | { readonly status: "unmatched"; readonly reason: string }
  /** WHERE was false or Undefined. */
  | { readonly status: "filtered"; readonly reason: string }
  /**
   * `SELECT *` on a payload that is not a JSON object. AWS would pass the raw bytes through, which no
   * JSON-consuming action (Step Functions, Lambda) can take: we report it rather than invent an object.
   */
  | { readonly status: "unsupportedPayload"; readonly reason: string };

export interface CompiledRule {
  readonly sql: string;
  readonly topicFilter: string;
  matches(topic: string): boolean;
  /** The SQL result object, or undefined when the topic does not match, WHERE is not true, or the payload cannot be selected. */
  evaluate(message: RuleMessage): Record<string, unknown> | undefined;
  /** Like evaluate(), saying why nothing was emitted. */
  run(message: RuleMessage): RuleOutcome;
}

/** Throws RuleSqlError on malformed SQL or anything outside the supported subset. */
export function compileRule(sql: string, options: CompileOptions = {}): CompiledRule {
  const fail: Fail = (offset, detail) => {
    throw new RuleSqlError(sql, offset, detail);
  };
  const statement = parseRule(sql);
  const { topicFilter, where } = statement;
  const filterProblem = topicFilterProblem(topicFilter);
  if (filterProblem !== undefined)
    fail(statement.topicFilterOffset, `invalid topic filter '${topicFilter}': ${filterProblem}`);
  for (const item of statement.select) if (item.kind === "expression") checkExpression(item.expression, fail);
  if (where !== undefined) checkExpression(where, fail);
  const plan = planSelect(statement.select, fail);
  const now = options.now ?? Date.now;
  const newUuid = options.newUuid ?? randomUUID;

  const matches = topicMatcher(topicFilter);

  /** A message whose topic matched: its WHERE, then its SELECT. */
  function runMatched(message: RuleMessage): RuleOutcome {
    const scope: MessageScope = {
      topic: message.topic,
      clientId: message.clientId,
      payload: readPayload(message.payload),
      now: now(),
      newUuid,
    };
    if (where !== undefined) {
      const condition = evaluateExpression(where, scope);
      if (condition !== true) return { status: "filtered", reason: `WHERE evaluated to ${describe(condition)}` };
    }
    return select(plan, scope);
  }

  return {
    sql,
    topicFilter,
    matches,
    run(message) {
      if (!matches(message.topic)) {
        return { status: "unmatched", reason: `topic '${message.topic}' does not match '${topicFilter}'` };
      }
      return runMatched(message);
    },
    evaluate(message) {
      // Most messages match none of a runtime's rules: no outcome, and no reason text, for those.
      if (!matches(message.topic)) return undefined;
      const outcome = runMatched(message);
      return outcome.status === "emitted" ? outcome.result : undefined;
    },
  };
}

function select(plan: SelectPlan, scope: MessageScope): RuleOutcome {
  const { document, notJsonReason } = scope.payload;
  if (plan.includesPayload && document === undefined) {
    return {
      status: "unsupportedPayload",
      reason: `SELECT * needs a JSON object payload, but ${notJsonReason}; use encode(*, 'base64')`,
    };
  }
  const result: Record<string, unknown> = plan.includesPayload ? { ...document } : {};
  for (const column of plan.columns) {
    const value = evaluateExpression(column.expression, scope);
    // AWS leaves Undefined values out of the result object. defineProperty: an alias "__proto__" is a field, not a prototype.
    if (value === undefined) delete result[column.name];
    else Object.defineProperty(result, column.name, { value, enumerable: true, writable: true, configurable: true });
  }
  return { status: "emitted", result };
}

function describe(value: unknown): string {
  return value === undefined ? "Undefined" : sqlJsonText(value);
}
