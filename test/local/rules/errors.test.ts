import { describe, expect, it } from "vitest";
import { compileRule, RuleSqlError } from "../../../local/rules/index.ts";

function compileError(sql: string): RuleSqlError {
  try {
    compileRule(sql);
  } catch (error) {
    if (error instanceof RuleSqlError) return error;
    throw error;
  }
  throw new Error(`expected a RuleSqlError for: ${sql}`);
}

describe("SQL outside the supported subset is a compile-time RuleSqlError", () => {
  it.each<[string, string]>([
    ["SELECT aws_lambda('arn', *) AS x FROM 'a'", `unsupported function "aws_lambda" at column 8`],
    ["SELECT TOPIC() AS t FROM 'a'", `unsupported function "TOPIC": write it "topic" as AWS documents it at column 8`],
    [
      "SELECT a FROM 'a' WHERE a != 1",
      `operator "!=" is not supported: AWS IoT SQL writes not-equal as "<>" at column 27`,
    ],
    [
      "SELECT a FROM 'a' WHERE a IS NULL",
      "IS [NOT] NULL is not supported: use isNull(x) or isUndefined(x) at column 27",
    ],
    ["SELECT a FROM 'a' WHERE a IN (1, 2)", `unsupported operator "IN" at column 27`],
    ["SELECT a FROM 'a' WHERE a LIKE 'x%'", `unsupported operator "LIKE" at column 27`],
    ["SELECT a + 1 AS b FROM 'a'", `unsupported operator "+" at column 10`],
    ["SELECT a * 2 AS b FROM 'a'", `unsupported operator "*" at column 10`],
    ["SELECT a FROM 'a' WHERE b = a - 1", `unsupported operator "-" at column 31`],
    ["SELECT a || 'x' AS b FROM 'a'", `unsupported operator "||" at column 10`],
    ["SELECT CASE WHEN a THEN 1 END AS b FROM 'a'", `unsupported keyword "CASE" at column 8`],
    ["SELECT DISTINCT a FROM 'a'", "SELECT DISTINCT is not supported at column 8"],
    ["SELECT VALUE a FROM 'a'", "SELECT VALUE is not supported at column 8"],
    ["SELECT \"a\" FROM 'a'", 'quoted identifiers (") are not supported at column 8'],
    ["SELECT `a` FROM 'a'", "quoted identifiers (`) are not supported at column 8"],
    ["SELECT 'it''s' AS s FROM 'a'", "quotes inside string literals are not supported at column 11"],
    ["SELECT 'a\\n' AS s FROM 'a'", "escape sequences in string literals are not supported at column 10"],
    ["SELECT a FROM 'a' WHERE a = @", `unexpected character "@" at column 29`],
    [
      "SELECT topic() FROM 'a'",
      "this select item needs an alias (AS name): only field references get a default name here at column 8",
    ],
    [
      "SELECT 'x' FROM 'a'",
      "this select item needs an alias (AS name): only field references get a default name here at column 8",
    ],
    [
      "SELECT a[0] FROM 'a'",
      "this select item needs an alias (AS name): only field references get a default name here at column 8",
    ],
    ["SELECT a, b.a FROM 'a'", `the output name "a" is selected twice at column 11`],
    ["SELECT *, * FROM 'a'", `"*" appears twice in the select list at column 11`],
    ["SELECT topic(0) AS t FROM 'a'", "topic(n) needs a positive integer literal (levels count from 1) at column 14"],
    ["SELECT topic(a) AS t FROM 'a'", "topic(n) needs a positive integer literal (levels count from 1) at column 14"],
    ["SELECT topic(1, 2) AS t FROM 'a'", "topic() takes 0 or 1 arguments, got 2 at column 8"],
    ["SELECT clientid(1) AS c FROM 'a'", "clientid() takes 0 arguments, got 1 at column 8"],
    ["SELECT isNull() AS c FROM 'a'", "isNull() takes 1 argument, got 0 at column 8"],
    [
      "SELECT encode(a, 'base64') AS p FROM 'a'",
      "encode() is only supported on the whole payload: encode(*, 'base64') at column 15",
    ],
    [
      "SELECT encode(*, 'hex') AS p FROM 'a'",
      "encode() supports only the 'base64' encoding, as a string literal at column 18",
    ],
    ["SELECT get(*, 0) AS p FROM 'a'", `"*" is only supported as encode(*, 'base64') at column 12`],
    ["SELECT get(a, aws_lambda()) AS p FROM 'a'", `unsupported function "aws_lambda" at column 15`],
    ["SELECT a FROM 'a' WHERE isNull(*)", `"*" is only supported as encode(*, 'base64') at column 32`],
    [
      "SELECT a FROM 'a' WHERE a = *",
      `"*" is only supported as a whole select item or as encode(*, 'base64') at column 29`,
    ],
    ["SELECT a FROM 'a/#/b'", `invalid topic filter 'a/#/b': "#" must be a whole level and the last one at column 15`],
    ["SELECT a FROM 'a/b+'", `invalid topic filter 'a/b+': "+" must be a whole level at column 15`],
    ["SELECT a FROM ''", "invalid topic filter '': a topic filter cannot be empty at column 15"],
    ["SELECT a FROM a", 'unexpected "a", expected a quoted topic filter after FROM at column 15'],
    ["SELECT a FROM 'a", "unterminated string literal at column 15"],
    ["SELECT a", 'unexpected end of SQL, expected "," or FROM at column 9'],
    ["SELECT a b FROM 'a'", 'unexpected "b", expected "," or FROM at column 10'],
    ["SELECT a AS 'b' FROM 'a'", "unexpected 'b', expected an alias (a plain identifier) after AS at column 13"],
    ["SELECT a FROM 'a' WHERE", "unexpected end of SQL, expected an expression at column 24"],
    ["SELECT a FROM 'a' WHERE a = 1 = 2", 'unexpected "=", expected the end of the SQL at column 31'],
    ["SELECT a FROM 'a' WHERE (a = 1", 'unexpected end of SQL, expected ")" at column 31'],
    ["SELECT a FROM 'a' ORDER BY a", 'unexpected "ORDER", expected WHERE or the end of the SQL at column 19'],
    ["SELECT a FROM 'a';", `unexpected character ";" at column 18`],
    ["SELECT a.b.1 AS c FROM 'a'", 'unexpected "1", expected a field name after "." at column 12'],
    ["SELECT a[-1] AS c FROM 'a'", 'unexpected "-", expected a non-negative integer index at column 10'],
    ["SELECT a[1.5] AS c FROM 'a'", 'unexpected "1.5", expected a non-negative integer index at column 10'],
    ["SELECT 1x AS c FROM 'a'", `malformed number "1x" at column 8`],
    ["SELECT get(a, 'k').b AS c FROM 'a'", 'unexpected ".", expected "," or FROM at column 19'],
    ["SELECT a FROM 'a' WHERE a = NOT b", 'unexpected "NOT", expected an expression at column 29'],
    ["SELECT FROM 'a'", 'unexpected "FROM", expected an expression at column 8'],
    ["UPDATE a", 'unexpected "UPDATE", expected SELECT at column 1'],
  ])("%s", (sql, message) => {
    const error = compileError(sql);
    expect(error.message).toBe(message);
    expect(error.name).toBe("RuleSqlError");
  });

  it("reports line and column in multi-line SQL", () => {
    const error = compileError("SELECT a\nFROM 'a'\nWHERE a != 1");
    expect(error.message).toBe(
      `operator "!=" is not supported: AWS IoT SQL writes not-equal as "<>" at line 3, column 9`,
    );
    expect([error.line, error.column, error.detail]).toEqual([
      3,
      9,
      `operator "!=" is not supported: AWS IoT SQL writes not-equal as "<>"`,
    ]);
  });
});
