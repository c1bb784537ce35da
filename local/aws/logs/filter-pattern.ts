/**
 * CloudWatch Logs filter patterns ("Filter pattern syntax for metric filters, subscription filters,
 * filter log events, and Live Tail", CloudWatch Logs User Guide), compiled to a predicate on a log
 * event's message. Hand-written: no maintained library implements CloudWatch's pattern language.
 *
 * Supported, as AWS documents them:
 * - empty pattern: every event;
 * - terms: `ERROR Exception` (all terms), `?ERROR ?WARN` (any term), `-DEBUG` (excluded term),
 *   `"exact phrase"`; terms are case-sensitive and match anywhere in the message;
 * - JSON: `{ $.type = "ExecutionFailed" }`, selectors `$.a.b` and `$.a[0]`, `=` / `!=` on strings
 *   (quoted or bare, `*` as a wildcard) and numbers, `<` `>` `<=` `>=` on numbers, `IS TRUE`,
 *   `IS FALSE`, `IS NULL`, `NOT EXISTS`, `&&`, `||` and parentheses. A selector that does not
 *   exist, or holds another type, does not match (`NOT EXISTS` aside).
 * Space-delimited (`[a, b]`) and regular-expression (`%…%`) patterns are not: they are refused with
 * `InvalidFilterPatternError` rather than silently matching nothing.
 */

export class InvalidFilterPatternError extends Error {
  override readonly name = "InvalidFilterPatternError";
}

export type LogEventMatcher = (message: string) => boolean;

export function compileFilterPattern(pattern: string | undefined): LogEventMatcher {
  const text = (pattern ?? "").trim();
  if (text === "") return () => true;
  if (text.startsWith("{")) return jsonMatcher(text);
  if (text.startsWith("[")) throw unsupported(text, "space-delimited patterns ([…])");
  if (text.startsWith("%")) throw unsupported(text, "regular expressions (%…%)");
  return termMatcher(text);
}

function unsupported(pattern: string, what: string): InvalidFilterPatternError {
  return new InvalidFilterPatternError(
    `Invalid filter pattern '${pattern}': the local endpoint does not support ${what}; use terms or a JSON pattern`,
  );
}

function invalid(pattern: string, reason: string): InvalidFilterPatternError {
  return new InvalidFilterPatternError(`Invalid filter pattern '${pattern}': ${reason}`);
}

// ---- terms -------------------------------------------------------------------------------------

interface Term {
  readonly text: string;
  readonly kind: "all" | "any" | "not";
}

function termMatcher(pattern: string): LogEventMatcher {
  const terms: Term[] = [];
  const token = /\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))/gy;
  while (token.lastIndex < pattern.length) {
    const match = token.exec(pattern);
    if (match === null) break;
    const [, prefix, quoted, bare] = match;
    const text = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (bare ?? "");
    if (text === "") throw invalid(pattern, "empty term");
    if (bare !== undefined && /[{}[\]%]/.test(bare)) throw invalid(pattern, `term '${bare}' must be quoted`);
    terms.push({ text, kind: prefix === "?" ? "any" : prefix === "-" ? "not" : "all" });
  }
  if (pattern.slice(token.lastIndex).trim() !== "") throw invalid(pattern, "unbalanced quotes");
  const any = terms.filter((term) => term.kind === "any").map((term) => term.text);
  const all = terms.filter((term) => term.kind === "all").map((term) => term.text);
  const not = terms.filter((term) => term.kind === "not").map((term) => term.text);
  if (any.length > 0 && any.length !== terms.length) throw unsupported(pattern, "mixing ?terms with other terms");
  return (message) =>
    any.length > 0
      ? any.some((term) => message.includes(term))
      : all.every((term) => message.includes(term)) && !not.some((term) => message.includes(term));
}

// ---- JSON --------------------------------------------------------------------------------------

type Node =
  | { readonly op: "and" | "or"; readonly left: Node; readonly right: Node }
  | { readonly op: "test"; readonly path: readonly (string | number)[]; readonly test: (value: unknown) => boolean }
  | { readonly op: "missing"; readonly path: readonly (string | number)[] };

const MISSING = Symbol("missing");

function jsonMatcher(pattern: string): LogEventMatcher {
  const tokens = tokenize(pattern);
  const parser = new JsonPatternParser(pattern, tokens);
  const root = parser.parse();
  return (message) => {
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch {
      return false;
    }
    return evaluate(root, event);
  };
}

function evaluate(node: Node, event: unknown): boolean {
  switch (node.op) {
    case "and":
      return evaluate(node.left, event) && evaluate(node.right, event);
    case "or":
      return evaluate(node.left, event) || evaluate(node.right, event);
    case "missing":
      return select(event, node.path) === MISSING;
    case "test": {
      const value = select(event, node.path);
      return value !== MISSING && node.test(value);
    }
  }
}

function select(event: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = event;
  for (const step of path) {
    if (typeof step === "number") {
      if (!Array.isArray(current) || step >= current.length) return MISSING;
      current = current[step];
    } else {
      if (typeof current !== "object" || current === null || Array.isArray(current) || !Object.hasOwn(current, step))
        return MISSING;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

type Token =
  | { readonly kind: "punct"; readonly text: "{" | "}" | "(" | ")" | "&&" | "||" }
  | { readonly kind: "op"; readonly text: "=" | "!=" | "<" | ">" | "<=" | ">=" }
  | { readonly kind: "selector"; readonly path: readonly (string | number)[]; readonly text: string }
  | { readonly kind: "string"; readonly text: string }
  | { readonly kind: "word"; readonly text: string };

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const rule =
    /\s*(?:(&&|\|\||[{}()])|(!=|<=|>=|=|<|>)|(\$(?:\.[A-Za-z_][\w-]*|\[\d+\])+)|"((?:[^"\\]|\\.)*)"|([^\s{}()=!<>&|"]+))/y;
  let index = 0;
  while (index < pattern.length) {
    rule.lastIndex = index;
    const match = rule.exec(pattern);
    if (match === null || match[0].length === 0) {
      if (pattern.slice(index).trim() === "") break;
      throw invalid(pattern, `unexpected '${pattern.slice(index).trim().slice(0, 20)}'`);
    }
    index = rule.lastIndex;
    const [, punct, op, selector, quoted, word] = match;
    if (punct !== undefined) tokens.push({ kind: "punct", text: punct as "{" });
    else if (op !== undefined) tokens.push({ kind: "op", text: op as "=" });
    else if (selector !== undefined) tokens.push({ kind: "selector", path: selectorPath(selector), text: selector });
    else if (quoted !== undefined) tokens.push({ kind: "string", text: quoted.replace(/\\(.)/g, "$1") });
    else if (word !== undefined) tokens.push({ kind: "word", text: word });
  }
  return tokens;
}

function selectorPath(selector: string): (string | number)[] {
  return [...selector.slice(1).matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)].map(([, key, index]) =>
    key !== undefined ? key : Number(index),
  );
}

class JsonPatternParser {
  #position = 0;
  readonly pattern: string;
  readonly tokens: readonly Token[];

  constructor(pattern: string, tokens: readonly Token[]) {
    this.pattern = pattern;
    this.tokens = tokens;
  }

  parse(): Node {
    this.#expectPunct("{");
    const node = this.#or();
    this.#expectPunct("}");
    if (this.#position !== this.tokens.length) throw invalid(this.pattern, "text after the closing '}'");
    return node;
  }

  #or(): Node {
    let node = this.#and();
    while (this.#acceptPunct("||")) node = { op: "or", left: node, right: this.#and() };
    return node;
  }

  #and(): Node {
    let node = this.#primary();
    while (this.#acceptPunct("&&")) node = { op: "and", left: node, right: this.#primary() };
    return node;
  }

  #primary(): Node {
    if (this.#acceptPunct("(")) {
      const node = this.#or();
      this.#expectPunct(")");
      return node;
    }
    const selector = this.tokens[this.#position++];
    if (selector?.kind !== "selector") {
      if (selector?.kind === "word" && selector.text.startsWith("$"))
        throw unsupported(this.pattern, `the selector '${selector.text}'`);
      throw invalid(this.pattern, "expected a selector such as $.type");
    }
    const { path } = selector;
    const next = this.tokens[this.#position++];
    if (next?.kind === "word" && next.text.toUpperCase() === "IS") {
      const what = this.tokens[this.#position++];
      const keyword = what?.kind === "word" ? what.text.toUpperCase() : undefined;
      if (keyword === "TRUE") return { op: "test", path, test: (value) => value === true };
      if (keyword === "FALSE") return { op: "test", path, test: (value) => value === false };
      if (keyword === "NULL") return { op: "test", path, test: (value) => value === null };
      throw invalid(this.pattern, "IS takes TRUE, FALSE or NULL");
    }
    if (next?.kind === "word" && next.text.toUpperCase() === "NOT") {
      const what = this.tokens[this.#position++];
      if (what?.kind === "word" && what.text.toUpperCase() === "EXISTS") return { op: "missing", path };
      throw invalid(this.pattern, "NOT takes EXISTS");
    }
    if (next?.kind !== "op") throw invalid(this.pattern, `expected an operator after ${selector.text}`);
    const value = this.tokens[this.#position++];
    if (value?.kind !== "string" && value?.kind !== "word")
      throw invalid(this.pattern, `expected a value after ${selector.text} ${next.text}`);
    return { op: "test", path, test: comparison(this.pattern, next.text, value) };
  }

  #acceptPunct(text: string): boolean {
    const token = this.tokens[this.#position];
    if (token?.kind === "punct" && token.text === text) {
      this.#position++;
      return true;
    }
    return false;
  }

  #expectPunct(text: string): void {
    if (!this.#acceptPunct(text)) throw invalid(this.pattern, `expected '${text}'`);
  }
}

const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

function comparison(
  pattern: string,
  op: "=" | "!=" | "<" | ">" | "<=" | ">=",
  value: { kind: "string" | "word"; text: string },
): (field: unknown) => boolean {
  if (value.kind === "word" && NUMBER.test(value.text)) {
    const number = Number(value.text);
    const compare = {
      "=": (field: number) => field === number,
      "!=": (field: number) => field !== number,
      "<": (field: number) => field < number,
      ">": (field: number) => field > number,
      "<=": (field: number) => field <= number,
      ">=": (field: number) => field >= number,
    }[op];
    return (field) => typeof field === "number" && compare(field);
  }
  if (op !== "=" && op !== "!=") throw invalid(pattern, `${op} compares numbers, not '${value.text}'`);
  const matches = wildcard(value.text);
  return (field) => typeof field === "string" && matches(field) === (op === "=");
}

/** `*` matches any run of characters; everything else literally. */
function wildcard(text: string): (field: string) => boolean {
  if (!text.includes("*")) return (field) => field === text;
  const source = text
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const regex = new RegExp(`^${source}$`, "s");
  return (field) => regex.test(field);
}
