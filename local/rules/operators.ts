/**
 * AWS IoT SQL operators over JSON values (AWS IoT SQL reference, "Operators"). `undefined` is AWS's
 * Undefined: what an operator yields for operands it does not define, and what makes WHERE drop the message.
 */

import type { ComparisonOperator } from "./ast.ts";
import { compareNumbers, type SqlNumber, sqlTypeOf, toBoolean, toDecimal } from "./json-values.ts";

export function compare(operator: ComparisonOperator, left: unknown, right: unknown): boolean | undefined {
  switch (operator) {
    case "=":
      return equals(left, right);
    case "<>":
      return negate(equals(left, right));
    case "<":
      return order(left, right, (sign) => sign < 0);
    case "<=":
      return order(left, right, (sign) => sign <= 0);
    case ">":
      return order(left, right, (sign) => sign > 0);
    case ">=":
      return order(left, right, (sign) => sign >= 0);
  }
}

/**
 * `=`: Undefined on either side gives Undefined; operands of mismatched types are simply not equal (so `<>`
 * is true), with no conversion: `5 = '5'` is false. Int and Decimal are one type, compared by value.
 */
function equals(left: unknown, right: unknown): boolean | undefined {
  if (left === undefined || right === undefined) return undefined;
  return sameValue(left, right);
}

/** Arrays: same items in the same order; objects: same keys and values in any order. */
function sameValue(left: unknown, right: unknown): boolean {
  const type = sqlTypeOf(left);
  if (type !== sqlTypeOf(right)) return false;
  switch (type) {
    case "number":
      return compareNumbers(left as SqlNumber, right as SqlNumber) === 0;
    case "array": {
      const [a, b] = [left as unknown[], right as unknown[]];
      return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
    }
    case "object": {
      const [a, b] = [left as Record<string, unknown>, right as Record<string, unknown>];
      const keys = Object.keys(a);
      return (
        keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]))
      );
    }
    default:
      return left === right;
  }
}

/** `<`, `>`…: defined between numbers and strings that convert to Decimal, Undefined otherwise. */
function order(left: unknown, right: unknown, holds: (sign: -1 | 0 | 1) => boolean): boolean | undefined {
  const a = toDecimal(left);
  const b = toDecimal(right);
  return a === undefined || b === undefined ? undefined : holds(compareNumbers(a, b));
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
