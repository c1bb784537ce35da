/**
 * Recursive-descent parser for the supported subset of AWS IoT SQL 2016-03-23, hand-written
 * (no parser generator among the dependencies). Anything outside the subset is a RuleSqlError
 * naming the construct and its position, never a silent skip.
 *
 *   rule       := SELECT item ("," item)* FROM string [WHERE expression] end
 *   item       := "*" | expression [AS identifier]
 *   expression := and (OR and)*
 *   and        := not (AND not)*
 *   not        := NOT not | comparison
 *   comparison := primary [("=" | "<>" | "<" | "<=" | ">" | ">=") primary]
 *   primary    := literal | "(" expression ")" | identifier "(" [argument ("," argument)*] ")" | path
 *   path       := identifier ("." identifier | "[" integer "]")*
 *   argument   := "*" | expression
 */
import type { Argument, ComparisonOperator, Expression, PathSegment, RuleStatement, SelectItem } from "./ast.ts";
import { numberFromText } from "./json-values.ts";
import { type Token, tokenize } from "./lexer.ts";
import { RuleSqlError } from "./rule-sql-error.ts";

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(["=", "<>", "<", "<=", ">", ">="]);
/** Keywords of the supported grammar: out of place, they are a syntax error rather than an unsupported feature. */
const GRAMMAR_KEYWORDS: ReadonlySet<string> = new Set(["SELECT", "FROM", "WHERE", "AS", "AND", "OR", "NOT"]);
const ARITHMETIC_OPERATORS: ReadonlySet<string> = new Set(["+", "-", "/", "%", "||"]);

export function parseRule(sql: string): RuleStatement {
  return new Parser(sql).rule();
}

class Parser {
  readonly #sql: string;
  readonly #tokens: readonly Token[];
  #position = 0;

  constructor(sql: string) {
    this.#sql = sql;
    this.#tokens = tokenize(sql);
  }

  rule(): RuleStatement {
    this.#expectKeyword("SELECT");
    this.#rejectSelectModifiers();
    const select = [this.#selectItem()];
    while (this.#acceptSymbol(",")) select.push(this.#selectItem());
    if (!this.#acceptKeyword("FROM")) throw this.#unexpected(this.#peek(), `"," or FROM`);
    const from = this.#peek();
    if (from.kind !== "string") throw this.#unexpected(from, "a quoted topic filter after FROM");
    this.#advance();
    const where = this.#acceptKeyword("WHERE") ? this.#expression() : undefined;
    const end = this.#peek();
    if (end.kind !== "end")
      throw this.#unexpected(end, where === undefined ? "WHERE or the end of the SQL" : "the end of the SQL");
    return { select, topicFilter: from.text, topicFilterOffset: from.offset, where };
  }

  #rejectSelectModifiers(): void {
    const token = this.#peek();
    if (token.kind === "keyword" && token.text === "DISTINCT")
      throw this.#error(token, "SELECT DISTINCT is not supported");
    const next = this.#peek(1);
    const startsExpression =
      next.kind === "identifier" || next.kind === "string" || next.kind === "number" || next.text === "*";
    if (token.kind === "identifier" && token.text.toUpperCase() === "VALUE" && startsExpression) {
      throw this.#error(token, "SELECT VALUE is not supported");
    }
  }

  #selectItem(): SelectItem {
    const start = this.#peek();
    if (this.#acceptSymbol("*")) return { kind: "all", offset: start.offset };
    const expression = this.#expression();
    if (!this.#acceptKeyword("AS")) return { kind: "expression", expression, alias: undefined, offset: start.offset };
    const alias = this.#peek();
    if (alias.kind !== "identifier") throw this.#unexpected(alias, "an alias (a plain identifier) after AS");
    this.#advance();
    return { kind: "expression", expression, alias: alias.text, offset: start.offset };
  }

  #expression(): Expression {
    let left = this.#and();
    for (let token = this.#peek(); this.#acceptKeyword("OR"); token = this.#peek()) {
      left = { kind: "logical", operator: "OR", left, right: this.#and(), offset: token.offset };
    }
    return left;
  }

  #and(): Expression {
    let left = this.#not();
    for (let token = this.#peek(); this.#acceptKeyword("AND"); token = this.#peek()) {
      left = { kind: "logical", operator: "AND", left, right: this.#not(), offset: token.offset };
    }
    return left;
  }

  #not(): Expression {
    const token = this.#peek();
    if (this.#acceptKeyword("NOT")) return { kind: "not", operand: this.#not(), offset: token.offset };
    return this.#comparison();
  }

  #comparison(): Expression {
    const left = this.#primary();
    const token = this.#peek();
    this.#rejectUnsupportedOperator(token);
    if (token.kind !== "symbol" || !COMPARISON_OPERATORS.has(token.text)) return left;
    this.#advance();
    const operator = token.text as ComparisonOperator;
    const right = this.#primary();
    this.#rejectUnsupportedOperator(this.#peek());
    return { kind: "comparison", operator, left, right, offset: token.offset };
  }

  #rejectUnsupportedOperator(token: Token): void {
    if (token.kind === "symbol" && token.text === "!=") {
      throw this.#error(token, `operator "!=" is not supported: AWS IoT SQL writes not-equal as "<>"`);
    }
    if (token.kind === "symbol" && (ARITHMETIC_OPERATORS.has(token.text) || token.text === "*")) {
      throw this.#error(token, `unsupported operator "${token.text}"`);
    }
    if (token.kind === "keyword" && token.text === "IS") {
      throw this.#error(token, "IS [NOT] NULL is not supported: use isNull(x) or isUndefined(x)");
    }
    if (token.kind === "keyword" && ["IN", "LIKE", "BETWEEN"].includes(token.text)) {
      throw this.#error(token, `unsupported operator "${token.text}"`);
    }
  }

  #primary(): Expression {
    const token = this.#peek();
    switch (token.kind) {
      case "number":
        this.#advance();
        return { kind: "literal", value: numberFromText(token.text), offset: token.offset };
      case "string":
        this.#advance();
        return { kind: "literal", value: token.text, offset: token.offset };
      case "identifier":
        return this.#peek(1).text === "(" ? this.#call() : this.#path();
      case "keyword":
        return this.#keywordLiteral(token);
      case "symbol":
        return this.#symbolPrimary(token);
      case "end":
        throw this.#unexpected(token, "an expression");
    }
  }

  #keywordLiteral(token: Token): Expression {
    const values: Record<string, boolean | null> = { TRUE: true, FALSE: false, NULL: null };
    const value = values[token.text];
    if (value === undefined && GRAMMAR_KEYWORDS.has(token.text)) throw this.#unexpected(token, "an expression");
    if (value === undefined) throw this.#error(token, `unsupported keyword "${token.text}"`);
    this.#advance();
    return { kind: "literal", value, offset: token.offset };
  }

  #symbolPrimary(token: Token): Expression {
    if (token.text === "(") {
      this.#advance();
      const inner = this.#expression();
      this.#expectSymbol(")");
      return inner;
    }
    if (token.text === "-" && this.#peek(1).kind === "number") {
      this.#advance();
      const number = this.#advance();
      return { kind: "literal", value: numberFromText(`-${number.text}`), offset: token.offset };
    }
    if (token.text === "*")
      throw this.#error(token, `"*" is only supported as a whole select item or as encode(*, 'base64')`);
    throw this.#unexpected(token, "an expression");
  }

  #call(): Expression {
    const name = this.#advance();
    this.#expectSymbol("(");
    const args: Argument[] = [];
    if (!this.#acceptSymbol(")")) {
      do args.push(this.#argument());
      while (this.#acceptSymbol(","));
      this.#expectSymbol(")");
    }
    return { kind: "call", name: name.text, args, offset: name.offset };
  }

  #argument(): Argument {
    const token = this.#peek();
    const isWholePayload = token.text === "*" && token.kind === "symbol" && [",", ")"].includes(this.#peek(1).text);
    if (!isWholePayload) return this.#expression();
    this.#advance();
    return { kind: "wholePayload", offset: token.offset };
  }

  #path(): Expression {
    const first = this.#advance();
    const segments: PathSegment[] = [{ field: first.text }];
    for (;;) {
      if (this.#acceptSymbol(".")) {
        const field = this.#peek();
        if (field.kind !== "identifier") throw this.#unexpected(field, 'a field name after "."');
        this.#advance();
        segments.push({ field: field.text });
      } else if (this.#acceptSymbol("[")) {
        const index = this.#peek();
        if (index.kind !== "number" || !/^\d+$/.test(index.text))
          throw this.#unexpected(index, "a non-negative integer index");
        this.#advance();
        this.#expectSymbol("]");
        segments.push({ index: Number(index.text) });
      } else {
        return { kind: "path", segments, offset: first.offset };
      }
    }
  }

  #peek(ahead = 0): Token {
    const last = this.#tokens[this.#tokens.length - 1];
    const token = this.#tokens[this.#position + ahead] ?? last;
    if (token === undefined) throw new Error("tokenize() always ends with an end token");
    return token;
  }

  #advance(): Token {
    const token = this.#peek();
    if (token.kind !== "end") this.#position += 1;
    return token;
  }

  #acceptKeyword(keyword: string): boolean {
    const token = this.#peek();
    if (token.kind !== "keyword" || token.text !== keyword) return false;
    this.#advance();
    return true;
  }

  #acceptSymbol(symbol: string): boolean {
    const token = this.#peek();
    if (token.kind !== "symbol" || token.text !== symbol) return false;
    this.#advance();
    return true;
  }

  #expectKeyword(keyword: string): void {
    if (!this.#acceptKeyword(keyword)) throw this.#unexpected(this.#peek(), keyword);
  }

  #expectSymbol(symbol: string): void {
    if (!this.#acceptSymbol(symbol)) throw this.#unexpected(this.#peek(), `"${symbol}"`);
  }

  #unexpected(token: Token, expected: string): RuleSqlError {
    const found = token.kind === "end" ? "end of SQL" : token.kind === "string" ? `'${token.text}'` : `"${token.text}"`;
    return this.#error(token, `unexpected ${found}, expected ${expected}`);
  }

  #error(token: Token, detail: string): RuleSqlError {
    return new RuleSqlError(this.#sql, token.offset, detail);
  }
}
