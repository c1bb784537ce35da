/**
 * The local runtime's AWS IoT rules evaluator: SQL version 2016-03-23, a bounded subset.
 *
 * - `SELECT <items> FROM '<topic filter>' [WHERE <condition>]`; keywords in any case.
 * - Items: `*` (merged with the other items, which win), `expression [AS alias]`. Field references
 *   `a.b.c` default to their last field name; any other item needs an alias.
 * - Expressions: field paths `a.b[0].c`, string/number/true/false/null literals, `( )`,
 *   `= <> < <= > >=`, `AND OR NOT`.
 * - Functions: topic(), topic(n), clientid(), timestamp(), newuuid(), encode(*, 'base64'),
 *   get(array|object, index|key), isNull(x), isUndefined(x).
 * - Values follow AWS's data types and conversions: mismatched types are unequal, only strings matching
 *   `^-?\d+(\.\d+)?(E-?\d+)?$` convert to numbers, integers beyond 2^53 stay exact (bigint).
 * - Anything else is a RuleSqlError at compile time, naming the construct and its column.
 */
export {
  type CompiledRule,
  type CompileOptions,
  compileRule,
  type RuleMessage,
  type RuleOutcome,
} from "./compile-rule.ts";
export { NO_CLIENT_ID } from "./functions.ts";
export { asParsedByJavaScript, sqlJsonText } from "./json-values.ts";
export { RuleSqlError } from "./rule-sql-error.ts";
export { TopicFilterError, topicFilterProblem, topicMatches } from "./topic-filter.ts";
