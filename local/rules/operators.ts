/**
 * AWS IoT SQL operators over JSON values. `undefined` is AWS's Undefined: what an operator yields for
 * operands of types it does not define, and what makes a WHERE clause drop the message.
 */

import { jsonEqual } from "../json/json-equal.ts";
import type { ComparisonOperator } from "./ast.ts";
import { sqlTypeOf, toBoolean, toDecimal } from "./json-values.ts";

export function compare(operator: ComparisonOperator, left: unknown, right: unknown): boolean | undefined {
  switch (operator) {
    case "=":
      return equals(left, right);
    case "<>":
      return negate(equals(left, right));
    case "<":
      return order(left, right, (a, b) => a < b);
    case "<=":
      return order(left, right, (a, b) => a <= b);
    case ">":
      return order(left, right, (a, b) => a > b);
    case ">=":
      return order(left, right, (a, b) => a >= b);
  }
}

/** Defined only between operands of one type; null is compared with isNull(), not `=`. */
function equals(left: unknown, right: unknown): boolean | undefined {
  const type = sqlTypeOf(left);
  if (type !== sqlTypeOf(right) || type === "undefined" || type === "null") return undefined;
  return jsonEqual(left, right);
}

/** Defined between numbers and strings that all convert to decimals. */
function order(left: unknown, right: unknown, holds: (a: number, b: number) => boolean): boolean | undefined {
  const a = toDecimal(left);
  const b = toDecimal(right);
  return a === undefined || b === undefined ? undefined : holds(a, b);
}

/** AWS does not short-circuit: an operand that is not a boolean makes the result Undefined. */
export function and(left: unknown, right: unknown): boolean | undefined {
  const a = toBoolean(left);
  const b = toBoolean(right);
  return a === undefined || b === undefined ? undefined : a && b;
}

export function or(left: unknown, right: unknown): boolean | undefined {
  const a = toBoolean(left);
  const b = toBoolean(right);
  return a === undefined || b === undefined ? undefined : a || b;
}

export function not(operand: unknown): boolean | undefined {
  return negate(toBoolean(operand));
}

function negate(value: boolean | undefined): boolean | undefined {
  return value === undefined ? undefined : !value;
}
