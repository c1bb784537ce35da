/** Syntax tree of a parsed rule. `offset` points into the SQL text, for error messages. */

/** Integers beyond 2^53 are bigints, exact as AWS keeps them. */
export type LiteralValue = string | number | bigint | boolean | null;

export type PathSegment = { readonly field: string } | { readonly index: number };

export type ComparisonOperator = "=" | "<>" | "<" | "<=" | ">" | ">=";

export type Expression =
  | { readonly kind: "literal"; readonly value: LiteralValue; readonly offset: number }
  | { readonly kind: "path"; readonly segments: readonly PathSegment[]; readonly offset: number }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Argument[]; readonly offset: number }
  | {
      readonly kind: "comparison";
      readonly operator: ComparisonOperator;
      readonly left: Expression;
      readonly right: Expression;
      readonly offset: number;
    }
  | {
      readonly kind: "logical";
      readonly operator: "AND" | "OR";
      readonly left: Expression;
      readonly right: Expression;
      readonly offset: number;
    }
  | { readonly kind: "not"; readonly operand: Expression; readonly offset: number };

/** `*` is only meaningful as a function argument (`encode(*, 'base64')`). */
export type Argument = Expression | { readonly kind: "wholePayload"; readonly offset: number };

export type SelectItem =
  | { readonly kind: "all"; readonly offset: number }
  | {
      readonly kind: "expression";
      readonly expression: Expression;
      readonly alias: string | undefined;
      readonly offset: number;
    };

export interface RuleStatement {
  readonly select: readonly SelectItem[];
  readonly topicFilter: string;
  readonly topicFilterOffset: number;
  readonly where: Expression | undefined;
}

export type CallExpression = Extract<Expression, { kind: "call" }>;
