/** Evaluates a checked expression against one message. `undefined` is AWS's Undefined. */
import type { Argument, Expression, PathSegment } from "./ast.ts";
import { RULE_FUNCTIONS } from "./functions.ts";
import { isJsonObject } from "./json-values.ts";
import type { MessageScope } from "./message-scope.ts";
import { and, compare, not, or } from "./operators.ts";

export function evaluateExpression(expression: Expression, scope: MessageScope): unknown {
  switch (expression.kind) {
    case "literal":
      return expression.value;
    case "path":
      return resolvePath(scope.payload.document, expression.segments);
    case "call": {
      const ruleFunction = RULE_FUNCTIONS.get(expression.name);
      if (ruleFunction === undefined) throw new Error(`function "${expression.name}" escaped the compile-time check`);
      return ruleFunction.evaluate(expression, scope, (argument) => evaluateArgument(argument, scope));
    }
    case "comparison":
      return compare(
        expression.operator,
        evaluateExpression(expression.left, scope),
        evaluateExpression(expression.right, scope),
      );
    case "logical": {
      const left = evaluateExpression(expression.left, scope);
      const right = evaluateExpression(expression.right, scope);
      return expression.operator === "AND" ? and(left, right) : or(left, right);
    }
    case "not":
      return not(evaluateExpression(expression.operand, scope));
  }
}

function evaluateArgument(argument: Argument, scope: MessageScope): unknown {
  if (argument.kind === "wholePayload") throw new Error('a "*" argument escaped the compile-time check');
  return evaluateExpression(argument, scope);
}

function resolvePath(document: Record<string, unknown> | undefined, segments: readonly PathSegment[]): unknown {
  let value: unknown = document;
  for (const segment of segments) {
    if ("field" in segment) {
      value = isJsonObject(value) && Object.hasOwn(value, segment.field) ? value[segment.field] : undefined;
    } else {
      value = Array.isArray(value) ? value[segment.index] : undefined;
    }
    if (value === undefined) return undefined;
  }
  return value;
}
