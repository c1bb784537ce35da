/**
 * CloudWatch Logs filter patterns, as the CloudWatch Logs User Guide documents them: "Filter pattern
 * syntax for metric filters, subscription filters, filter log events, and Live Tail"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
 */
import { describe, expect, it } from "vitest";
import { compileFilterPattern, InvalidFilterPatternError } from "../../../local/aws/logs/filter-pattern.ts";

const failed = JSON.stringify({
  id: "6",
  type: "ExecutionFailed",
  details: { error: "InvalidTtsMessage", cause: "payload is not UTF-8 JSON" },
  previous_event_id: "5",
  execution_arn: "arn:aws:states:us-east-1:000000000000:express:local-upstream:uplink-1:abc",
  flags: [true, null],
  latency: 1200,
  empty: null,
});
const started = JSON.stringify({
  id: "1",
  type: "ExecutionStarted",
  details: { input: "{}", inputDetails: { truncated: false } },
  execution_arn: "arn:aws:states:us-east-1:000000000000:express:local-downlink:d-2:def",
  latency: 5,
});

const matches = (pattern: string | undefined, message: string) => compileFilterPattern(pattern)(message);

describe("filter patterns", () => {
  it("matches every event with an empty pattern", () => {
    expect(matches(undefined, failed)).toBe(true);
    expect(matches("  ", "anything")).toBe(true);
  });

  it.each([
    // "Matching terms in unstructured log events": all terms, any term (?), excluded terms (-), phrases.
    ["ERROR", "[ERROR 400] BAD REQUEST", true],
    ["ERROR", "[error 400] bad request", false],
    ["ERROR 400", "[ERROR 400] BAD REQUEST", true],
    ["ERROR 500", "[ERROR 400] BAD REQUEST", false],
    ["?ERROR ?WARN", "[WARN] low battery", true],
    ["?ERROR ?WARN", "[INFO] fine", false],
    ["ERROR -400", "[ERROR 400] BAD REQUEST", false],
    ["ERROR -500", "[ERROR 400] BAD REQUEST", true],
    ['"BAD REQUEST"', "[ERROR 400] BAD REQUEST", true],
    ['"REQUEST BAD"', "[ERROR 400] BAD REQUEST", false],
  ])("term pattern %s on %s: %s", (pattern, message, expected) => {
    expect(matches(pattern, message)).toBe(expected);
  });

  it.each([
    // "Using filter patterns to match terms in JSON log events".
    ['{ $.type = "ExecutionFailed" }', true, false],
    ["{ $.type = ExecutionFailed }", true, false],
    ['{ $.type != "ExecutionFailed" }', false, true],
    ['{ $.details.error = "InvalidTtsMessage" }', true, false],
    ['{ $.details.error = "Invalid*" }', true, false],
    ['{ $.details.error = "*Tts*" }', true, false],
    ['{ $.details.error = "Tts*" }', false, false],
    ['{ $.execution_arn = "*:express:local-upstream:*" }', true, false],
    ['{ $.type = "ExecutionFailed" && $.details.error = "States.*" }', false, false],
    ['{ $.type = "ExecutionFailed" || $.type = "ExecutionStarted" }', true, true],
    ['{ ($.type = "ExecutionStarted" || $.latency > 1000) && $.id = "6" }', true, false],
    ["{ $.latency > 1000 }", true, false],
    ["{ $.latency <= 5 }", false, true],
    ["{ $.latency = 5 }", false, true],
    ["{ $.latency != 5 }", true, false],
    ["{ $.flags[0] IS TRUE }", true, false],
    ["{ $.flags[1] IS NULL }", true, false],
    ["{ $.empty IS NULL }", true, false],
    ["{ $.details.inputDetails.truncated IS FALSE }", false, true],
    ["{ $.details.cause NOT EXISTS }", false, true],
    // A selector that is absent, or of another type, does not match.
    ['{ $.nothing = "x" }', false, false],
    ['{ $.nothing != "x" }', false, false],
    ['{ $.details = "x" }', false, false],
    ["{ $.id = 6 }", false, false],
  ])("JSON pattern %s: failed %s, started %s", (pattern, onFailed, onStarted) => {
    expect(matches(pattern, failed)).toBe(onFailed);
    expect(matches(pattern, started)).toBe(onStarted);
  });

  it("does not match a JSON pattern against a message that is not JSON", () => {
    expect(matches('{ $.type = "ExecutionFailed" }', "ExecutionFailed")).toBe(false);
  });

  it.each([
    ["{ $.type = }", /expected a value/],
    ['{ $.type = "x"', /expected '}'/],
    ['{ $.type = "x" } extra', /text after the closing/],
    ["{ type = x }", /expected a selector/],
    ["{ $.latency > abc }", /> compares numbers/],
    ["{ $.a IS MAYBE }", /IS takes TRUE, FALSE or NULL/],
    ['"unbalanced', /unbalanced quotes/],
    // Valid on AWS, not supported locally: refused, never a silent mismatch.
    ["[ip, user, status = 404]", /space-delimited/],
    ["%ERROR|WARN%", /regular expressions/],
    ["?ERROR WARN", /mixing \?terms/],
    ['{ $.* = "x" }', /the selector/],
  ])("refuses %s with a reason", (pattern, reason) => {
    expect(() => compileFilterPattern(pattern)).toThrow(InvalidFilterPatternError);
    expect(() => compileFilterPattern(pattern)).toThrow(reason);
  });
});
