import { describe, expect, it } from "vitest";
import { compileRule } from "../../../local/rules/index.ts";
import { jsonMessage, rawMessage, textMessage } from "./messages.ts";

const BINARY = Uint8Array.from([0x00, 0xff, 0xfe, 0x10, 0x80]);
const NOT_UTF8 = Uint8Array.from([0xc3, 0x28]);

describe("non-JSON payloads", () => {
  it.each<[string, Uint8Array, string]>([
    ["binary", BINARY, "AP/+EIA="],
    ["invalid UTF-8", NOT_UTF8, "wyg="],
    ["plain text", new TextEncoder().encode("hello"), "aGVsbG8="],
    ["empty", new Uint8Array(), ""],
    ["a JSON object", new TextEncoder().encode('{"a":1}'), "eyJhIjoxfQ=="],
  ])("encode(*, 'base64') encodes the raw bytes of a %s payload", (_kind, payload, base64) => {
    const rule = compileRule("SELECT encode(*, 'base64') AS payload FROM 'x'");
    expect(rule.evaluate(rawMessage("x", payload))).toEqual({ payload: base64 });
  });

  it.each<[string, Uint8Array]>([
    ["binary", BINARY],
    ["plain text", new TextEncoder().encode("hello")],
    ["a JSON array", new TextEncoder().encode("[1,2]")],
    ["a JSON number", new TextEncoder().encode("42")],
  ])("field references into a %s payload are Undefined, so left out", (_kind, payload) => {
    const rule = compileRule("SELECT a, topic() AS topic FROM 'x'");
    expect(rule.evaluate(rawMessage("x", payload))).toEqual({ topic: "x" });
  });

  it("a WHERE on fields of a non-JSON payload is Undefined, so the message is dropped", () => {
    const rule = compileRule("SELECT encode(*, 'base64') AS p FROM 'x' WHERE a = 1");
    expect(rule.run(rawMessage("x", BINARY))).toEqual({ status: "filtered", reason: "WHERE evaluated to Undefined" });
  });

  it.each<[string, Uint8Array, string]>([
    ["binary", NOT_UTF8, "the payload is not UTF-8 text"],
    ["plain text", new TextEncoder().encode("hello"), "the payload is not JSON"],
    ["a JSON array", new TextEncoder().encode("[1]"), "the payload is JSON but not an object"],
  ])("SELECT * on a %s payload is reported, not turned into an object", (_kind, payload, why) => {
    const rule = compileRule("SELECT *, topic() AS topic FROM 'x'");
    expect(rule.evaluate(rawMessage("x", payload))).toBeUndefined();
    expect(rule.run(rawMessage("x", payload))).toEqual({
      status: "unsupportedPayload",
      reason: `SELECT * needs a JSON object payload, but ${why}; use encode(*, 'base64')`,
    });
  });

  it("JSON with surrounding whitespace and UTF-8 text is still JSON", () => {
    const rule = compileRule("SELECT * FROM 'x'");
    expect(rule.evaluate(textMessage("x", '  {"name": "café"}\n'))).toEqual({ name: "café" });
  });

  it("WHERE is applied before SELECT *", () => {
    const rule = compileRule("SELECT * FROM 'x' WHERE a = 1");
    expect(rule.run(rawMessage("x", BINARY)).status).toBe("filtered");
    expect(rule.run(jsonMessage("x", { a: 1 })).status).toBe("emitted");
  });
});
