/** The AWS IoT SQL functions this evaluator supports, each checked at compile time. */
import type { Argument, CallExpression, Expression } from "./ast.ts";
import { isJsonObject, toInt } from "./json-values.ts";
import type { MessageScope } from "./message-scope.ts";

export type Fail = (offset: number, detail: string) => never;
export type EvaluateArgument = (argument: Argument) => unknown;

export interface RuleFunction {
  /** Calls `fail` when the arguments are outside what is supported. */
  check(call: CallExpression, fail: Fail): void;
  evaluate(call: CallExpression, scope: MessageScope, evaluate: EvaluateArgument): unknown;
}

/** AWS's answer for clientid() when the message did not come over MQTT. */
export const NO_CLIENT_ID = "n/a";

const topic: RuleFunction = {
  check(call, fail) {
    checkArity(call, [0, 1], fail);
    const level = call.args[0];
    if (level !== undefined && !isPositiveIntegerLiteral(level)) {
      fail(level.offset, "topic(n) needs a positive integer literal (levels count from 1)");
    }
  },
  evaluate(call, scope) {
    const level = call.args[0];
    if (level === undefined) return scope.topic;
    return isPositiveIntegerLiteral(level) ? scope.topic.split("/")[level.value - 1] : undefined;
  },
};

const clientid: RuleFunction = {
  check: (call, fail) => checkArity(call, [0], fail),
  evaluate: (_call, scope) => scope.clientId ?? NO_CLIENT_ID,
};

const timestamp: RuleFunction = {
  check: (call, fail) => checkArity(call, [0], fail),
  evaluate: (_call, scope) => scope.now,
};

const newuuid: RuleFunction = {
  check: (call, fail) => checkArity(call, [0], fail),
  evaluate: (_call, scope) => scope.newUuid(),
};

const encode: RuleFunction = {
  check(call, fail) {
    checkArity(call, [2], fail);
    const [value, encoding] = call.args;
    if (value?.kind !== "wholePayload") {
      fail(value?.offset ?? call.offset, "encode() is only supported on the whole payload: encode(*, 'base64')");
    }
    if (encoding?.kind !== "literal" || encoding.value !== "base64") {
      fail(encoding?.offset ?? call.offset, "encode() supports only the 'base64' encoding, as a string literal");
    }
  },
  evaluate: (_call, scope) => Buffer.from(scope.payload.bytes).toString("base64"),
};

/**
 * get(): an object's member by string key (no conversion); an array's item, or a string's character, at a
 * 0-based index converted to Int ('1' → 1, 1.6 → 2); anything else, or out of bounds, is Undefined.
 */
const get: RuleFunction = {
  check: (call, fail) => checkArity(call, [2], fail),
  evaluate(call, _scope, evaluate) {
    const [container, key] = call.args.map(evaluate);
    if (isJsonObject(container))
      return typeof key === "string" && Object.hasOwn(container, key) ? container[key] : undefined;
    if (!Array.isArray(container) && typeof container !== "string") return undefined;
    const index = toInt(key);
    if (index === undefined || index < 0 || index >= container.length) return undefined;
    return container[Number(index)];
  },
};

const isNull: RuleFunction = {
  check: (call, fail) => checkArity(call, [1], fail),
  evaluate: (call, _scope, evaluate) => call.args.map(evaluate)[0] === null,
};

const isUndefined: RuleFunction = {
  check: (call, fail) => checkArity(call, [1], fail),
  evaluate: (call, _scope, evaluate) => call.args.map(evaluate)[0] === undefined,
};

export const RULE_FUNCTIONS: ReadonlyMap<string, RuleFunction> = new Map(
  Object.entries({ topic, clientid, timestamp, newuuid, encode, get, isNull, isUndefined }),
);

function checkArity(call: CallExpression, counts: readonly number[], fail: Fail): void {
  if (counts.includes(call.args.length)) return;
  const expected = counts.join(" or ");
  fail(call.offset, `${call.name}() takes ${expected} argument${expected === "1" ? "" : "s"}, got ${call.args.length}`);
}

function isPositiveIntegerLiteral(arg: Argument): arg is Extract<Expression, { kind: "literal" }> & { value: number } {
  return arg.kind === "literal" && typeof arg.value === "number" && Number.isInteger(arg.value) && arg.value >= 1;
}
