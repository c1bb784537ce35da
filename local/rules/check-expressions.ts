/** Compile-time check that every function call in a rule is supported, with supported arguments. */
import type { CallExpression, Expression } from "./ast.ts";
import { type Fail, RULE_FUNCTIONS } from "./functions.ts";

export function checkExpression(expression: Expression, fail: Fail): void {
  switch (expression.kind) {
    case "literal":
    case "path":
      return;
    case "call":
      checkCall(expression, fail);
      return;
    case "comparison":
    case "logical":
      checkExpression(expression.left, fail);
      checkExpression(expression.right, fail);
      return;
    case "not":
      checkExpression(expression.operand, fail);
      return;
  }
}

function checkCall(call: CallExpression, fail: Fail): void {
  const ruleFunction = RULE_FUNCTIONS.get(call.name);
  if (ruleFunction === undefined) fail(call.offset, unsupportedFunction(call.name));
  ruleFunction.check(call, fail);
  for (const argument of call.args) {
    if (argument.kind !== "wholePayload") checkExpression(argument, fail);
    else if (call.name !== "encode") fail(argument.offset, `"*" is only supported as encode(*, 'base64')`);
  }
}

function unsupportedFunction(name: string): string {
  const sameLetters = [...RULE_FUNCTIONS.keys()].find((known) => known.toLowerCase() === name.toLowerCase());
  // Whether AWS folds the case of function names is not modelled: accept only the documented spelling.
  if (sameLetters !== undefined) return `unsupported function "${name}": write it "${sameLetters}" as AWS documents it`;
  return `unsupported function "${name}"`;
}
