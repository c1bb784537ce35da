/**
 * Tokenizer for AWS IoT SQL. Hand-written, like the parser: no parser generator is a dependency,
 * and the supported grammar is small.
 */
import { RuleSqlError } from "./rule-sql-error.ts";

export type TokenKind = "identifier" | "keyword" | "number" | "string" | "symbol" | "end";

export interface Token {
  readonly kind: TokenKind;
  /** Keywords are upper-cased; identifiers and strings keep their text (strings without quotes). */
  readonly text: string;
  readonly offset: number;
}

const KEYWORDS = new Set([
  "SELECT",
  "FROM",
  "WHERE",
  "AS",
  "AND",
  "OR",
  "NOT",
  "TRUE",
  "FALSE",
  "NULL",
  // Recognised only to reject them with a clear message rather than read them as field names.
  "IS",
  "IN",
  "LIKE",
  "BETWEEN",
  "CASE",
  "WHEN",
  "THEN",
  "ELSE",
  "END",
  "DISTINCT",
]);

/** Longest first, so `<=` wins over `<`. */
const SYMBOLS = ["<>", "<=", ">=", "!=", "||", "*", ",", "(", ")", ".", "[", "]", "=", "<", ">", "+", "-", "/", "%"];

const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const WHITESPACE = /\s/;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  while (offset < sql.length) {
    const char = sql.charAt(offset);
    if (WHITESPACE.test(char)) {
      offset += 1;
    } else if (IDENTIFIER_START.test(char)) {
      const end = scanWhile(sql, offset, IDENTIFIER_PART);
      tokens.push(wordToken(sql.slice(offset, end), offset));
      offset = end;
    } else if (DIGIT.test(char)) {
      const end = scanNumber(sql, offset);
      tokens.push({ kind: "number", text: sql.slice(offset, end), offset });
      offset = end;
    } else if (char === "'") {
      const token = scanString(sql, offset);
      tokens.push(token);
      offset = token.offset + token.text.length + 2;
    } else {
      const symbol = SYMBOLS.find((candidate) => sql.startsWith(candidate, offset));
      if (symbol === undefined) throw new RuleSqlError(sql, offset, unexpectedCharacter(char));
      tokens.push({ kind: "symbol", text: symbol, offset });
      offset += symbol.length;
    }
  }
  tokens.push({ kind: "end", text: "", offset: sql.length });
  return tokens;
}

function wordToken(word: string, offset: number): Token {
  const upper = word.toUpperCase();
  return KEYWORDS.has(upper) ? { kind: "keyword", text: upper, offset } : { kind: "identifier", text: word, offset };
}

function scanWhile(sql: string, start: number, pattern: RegExp): number {
  let end = start;
  while (end < sql.length && pattern.test(sql.charAt(end))) end += 1;
  return end;
}

function scanNumber(sql: string, start: number): number {
  let end = scanWhile(sql, start, DIGIT);
  if (sql.charAt(end) === "." && DIGIT.test(sql.charAt(end + 1))) end = scanWhile(sql, end + 1, DIGIT);
  if (IDENTIFIER_START.test(sql.charAt(end))) {
    throw new RuleSqlError(sql, start, `malformed number "${sql.slice(start, scanWhile(sql, end, IDENTIFIER_PART))}"`);
  }
  return end;
}

function scanString(sql: string, start: number): Token {
  const close = sql.indexOf("'", start + 1);
  if (close === -1) throw new RuleSqlError(sql, start, "unterminated string literal");
  const text = sql.slice(start + 1, close);
  // AWS's escaping rules for quotes inside literals are not modelled: refuse rather than guess.
  if (sql.charAt(close + 1) === "'") {
    throw new RuleSqlError(sql, close, "quotes inside string literals are not supported");
  }
  const backslash = text.indexOf("\\");
  if (backslash !== -1) {
    throw new RuleSqlError(sql, start + 1 + backslash, "escape sequences in string literals are not supported");
  }
  return { kind: "string", text, offset: start };
}

function unexpectedCharacter(char: string): string {
  if (char === '"' || char === "`") return `quoted identifiers (${char}) are not supported`;
  return `unexpected character "${char}"`;
}
