/**
 * The rules evaluator against the AWS IoT SQL reference, one row per documented case:
 * expression, payload (JSON text, so integers beyond 2^53 are written exactly), AWS's documented result
 * (`undefined` = AWS's Undefined), and the page and table row that documents it.
 */
import { describe, expect, it } from "vitest";
import { asParsedByJavaScript, compileRule, sqlJsonText } from "../../../local/rules/index.ts";
import { textMessage } from "./messages.ts";

const OPERATORS = "https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html";
const CONVERSIONS = "https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-data-types.html#iot-sql-conversions";
const DATA_TYPES = "https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-data-types.html";
const GET = "https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-function-get";

type Row = readonly [expression: string, payload: string, expected: unknown, documentedBy: string];

const ROWS: readonly Row[] = [
  // Mismatched types: `=` is false, `<>` true, no conversion (issue 10: `WHERE a <> 'x'` dropped the message).
  ["a <> 'x'", '{"a":5}', true, `${OPERATORS} <> operator: Mismatched Type, Mismatched Type → True`],
  ["a = 'x'", '{"a":5}', false, `${OPERATORS} = operator: Mismatched Type, Mismatched Type → False`],
  ["a = '5'", '{"a":5}', false, `${OPERATORS} = operator: Int, String is a mismatched type (no conversion)`],
  ["a <> '5'", '{"a":5}', true, `${OPERATORS} <> operator: Mismatched Type → True`],
  ["a = true", '{"a":"true"}', false, `${OPERATORS} = operator: Mismatched Type → False`],
  ["a = b", '{"a":{"x":1},"b":[1]}', false, `${OPERATORS} = operator: Mismatched Type → False`],
  ["a = 0", '{"a":null}', false, `${OPERATORS} = operator: Mismatched Type → False`],
  ["a <> null", '{"a":null}', false, `${OPERATORS} <> operator: Null, Null → False`],
  ["a = null", '{"a":null}', true, `${OPERATORS} <> operator: Null, Null → False (its negation; = has no Null row)`],
  ["a <> 'x'", "{}", undefined, `${OPERATORS} <> operator: Undefined, Any Value → Undefined`],
  ["a = missing", '{"a":5}', undefined, `${OPERATORS} = operator: Any Value, Undefined → Undefined`],
  ["a = b", '{"a":5,"b":5.0}', true, `${OPERATORS} = operator: Int is converted to Decimal before being compared`],
  ["a = b", '{"a":[1,2],"b":[2,1]}', false, `${OPERATORS} = operator: Array, Array → equal and in the same order`],
  ["a <> b", '{"a":[1,"x"],"b":[1,"x"]}', false, `${OPERATORS} <> operator: Array, Array`],
  ["a = b", '{"a":[1,"1"],"b":[1,1]}', false, `${OPERATORS} = operator: Array, Array (items of other types differ)`],
  ["a = b", '{"a":{"x":1,"y":[2]},"b":{"y":[2],"x":1}}', true, `${OPERATORS} = operator: Object, Object, any order`],
  ["a = b", '{"a":{"x":1},"b":{"x":1,"y":2}}', false, `${OPERATORS} = operator: Object, Object (keys differ)`],
  // Ordering: operands convert to Decimal; anything that does not is Undefined.
  ["a < 'x'", '{"a":5}', undefined, `${OPERATORS} < operator: Other Value → Undefined`],
  ["a > true", '{"a":5}', undefined, `${OPERATORS} > operator: Other Value → Undefined`],
  ["a >= null", '{"a":5}', undefined, `${OPERATORS} >= operator: Other Value → Undefined`],
  ["a <= b", '{"a":[1],"b":[2]}', undefined, `${OPERATORS} <= operator: Other Value → Undefined`],
  ["a >= '5'", '{"a":5}', true, `${OPERATORS} >= operator: String/Int/Decimal, all strings convert → Boolean`],
  ["a > '10'", '{"a":"9"}', false, `${OPERATORS} > operator: both strings convert to Decimal (9 > 10 is false)`],
  // String → Decimal: only ^-?\d+(\.\d+)?((?i)E-?\d+)?$ converts (issue 10: " 60" converted locally).
  ["a > 50", '{"a":"60"}', true, `${CONVERSIONS} To Decimal: String matching the regular expression`],
  ["a > 50", '{"a":" 60"}', undefined, `${CONVERSIONS} To Decimal: " 60" does not match the regular expression`],
  ["a > 50", '{"a":"60 "}', undefined, `${CONVERSIONS} To Decimal: "60 " does not match`],
  ["a > 0", '{"a":"+5"}', undefined, `${CONVERSIONS} To Decimal: "+5" does not match (only "-" is allowed)`],
  ["a > 0", '{"a":".5"}', undefined, `${CONVERSIONS} To Decimal: ".5" does not match (a digit before ".")`],
  ["a > 0", '{"a":"5."}', undefined, `${CONVERSIONS} To Decimal: "5." does not match (a digit after ".")`],
  ["a > 0", '{"a":"0x10"}', undefined, `${CONVERSIONS} To Decimal: "0x10" does not match`],
  ["a > 0", '{"a":"1E+3"}', undefined, `${CONVERSIONS} To Decimal: "1E+3" does not match (exponent sign is "-" only)`],
  ["a < 1", '{"a":"5E-12"}', true, `${CONVERSIONS} To Decimal: "5E-12" is an example that converts`],
  ["a > 50", '{"a":"6e1"}', true, `${CONVERSIONS} To Decimal: the exponent's E is case-insensitive ((?i)E)`],
  ["a < -1", '{"a":"-1.2"}', true, `${CONVERSIONS} To Decimal: "-1.2" is an example that converts`],
  // get(): the second argument converts to Int for arrays and strings, not for objects.
  ["get(a, '1')", '{"a":["x","y","z"]}', "y", `${GET}: Array, Any Type (converted to Int)`],
  ["get(a, '1.9')", '{"a":["x","y","z"]}', "y", `${CONVERSIONS} To Int: String → Decimal, then truncated`],
  ["get(a, 1.6)", '{"a":["x","y","z"]}', "z", `${CONVERSIONS} To Int: Decimal rounded to the nearest Int`],
  ["get(a, ' 1')", '{"a":["x","y","z"]}', undefined, `${GET}: conversion unsuccessful → Undefined`],
  ["get(a, true)", '{"a":["x","y","z"]}', undefined, `${CONVERSIONS} To Int: Boolean → Undefined`],
  ["get(a, 3)", '{"a":["x","y","z"]}', undefined, `${GET}: index >= array.length → Undefined`],
  ["get(a, -1)", '{"a":["x","y","z"]}', undefined, `${GET}: negative index → Undefined`],
  // The page's example says get("abc", 1) = "a"; its table says 0-based, as for arrays: the table is followed.
  ["get(s, '1')", '{"s":"abc"}', "b", `${GET}: String, Any Type (converted to Int) → the 0-based character`],
  ["get(o, 'k')", '{"o":{"k":1}}', 1, `${GET}: Object, String → the value stored under the key`],
  ["get(o, 1)", '{"o":{"1":true}}', undefined, `${GET}: Object, String (no conversion is applied)`],
  ["get(n, 0)", '{"n":5}', undefined, `${GET}: Other value, Any value → Undefined`],
  // Int is exact (34 digits maximum): 64-bit ids keep their last digits.
  ["a = 9007199254740993", '{"a":9007199254740993}', true, `${DATA_TYPES} Int: a discrete Int, 34 digits maximum`],
  ["a = 9007199254740992", '{"a":9007199254740993}', false, `${DATA_TYPES} Int: 2^53 + 1 is not 2^53`],
  ["a > 9007199254740992", '{"a":9007199254740993}', true, `${DATA_TYPES} Int: exact ordering`],
  ["a = b", '{"a":18446744073709551615,"b":18446744073709551614}', false, `${DATA_TYPES} Int: 64-bit values`],
  ["a = -9223372036854775808", '{"a":-9223372036854775808}', true, `${DATA_TYPES} Int: the smallest 64-bit Int`],
  ["a < '9223372036854775808'", '{"a":9223372036854775807}', true, `${CONVERSIONS} To Decimal: exact`],
  ["a = 2.5", '{"a":2.5}', true, `${DATA_TYPES} Decimal`],
  ["a", '{"a":12345678901234567890}', 12345678901234567890n, `${DATA_TYPES} Int: selected unchanged`],
];

/** The expression's value as SELECT emits it: AWS leaves an Undefined column out of the result. */
function selected(expression: string, payload: string): unknown {
  const result = compileRule(`SELECT ${expression} AS v FROM 't'`).evaluate(textMessage("t", payload));
  return result === undefined || !Object.hasOwn(result, "v") ? undefined : result["v"];
}

function passesWhere(expression: string, payload: string): boolean {
  return compileRule(`SELECT 1 AS one FROM 't' WHERE ${expression}`).evaluate(textMessage("t", payload)) !== undefined;
}

describe("AWS IoT SQL semantics, as the AWS IoT SQL reference documents them", () => {
  it.each(ROWS)("%s with %s → %s (%s)", (expression, payload, expected) => {
    expect(selected(expression, payload)).toBe(expected);
    // WHERE keeps a message only when its condition is true: false and Undefined both drop it.
    if (typeof expected === "boolean" || expected === undefined) {
      expect(passesWhere(expression, payload)).toBe(expected === true);
    }
  });
});

describe("64-bit integers in the rule's output", () => {
  const payload = '{"id":18446744073709551615,"n":1,"list":[9007199254740993]}';

  it("SELECT * writes them with all their digits, as the rule action receives them", () => {
    const result = compileRule("SELECT * FROM 't'").evaluate(textMessage("t", payload));
    expect(sqlJsonText(result)).toBe(payload);
  });

  it("hands a JavaScript consumer what JSON.parse of that text gives it (the Node.js Lambdas' view)", () => {
    const result = compileRule("SELECT * FROM 't'").evaluate(textMessage("t", payload));
    expect(asParsedByJavaScript(result)).toEqual(JSON.parse(payload));
  });

  it("leaves a result without big integers untouched (same object)", () => {
    const result = compileRule("SELECT * FROM 't'").evaluate(textMessage("t", '{"a":[1,{"b":2}]}'));
    expect(asParsedByJavaScript(result)).toBe(result);
  });

  it("keeps a long run of digits inside a string a string", () => {
    const result = compileRule("SELECT * FROM 't'").evaluate(textMessage("t", '{"s":"12345678901234567890"}'));
    expect(result).toEqual({ s: "12345678901234567890" });
  });
});
