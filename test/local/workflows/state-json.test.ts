/** The state JSON cache: the text and UTF-8 bytes JSON.stringify gives, made once per object unless asked afresh. */
import { describe, expect, it } from "vitest";
import { StateJsonCache } from "../../../local/workflows/state-json.ts";

describe("StateJsonCache", () => {
  it("gives JSON.stringify's text and its UTF-8 bytes, scalars and undefined included", () => {
    const json = new StateJsonCache();
    const value = { name: "é", list: [1, null, "x"], nested: { at: new Date(0) } };
    expect(json.of(value)).toEqual({ text: JSON.stringify(value), bytes: Buffer.byteLength(JSON.stringify(value)) });
    expect(json.of("€")).toEqual({ text: '"€"', bytes: 5 });
    expect(json.of(undefined)).toEqual({ text: "null", bytes: 4 });
  });

  it("makes the text once per object, and afresh when asked (a handler may change what it was given)", () => {
    const json = new StateJsonCache();
    const value: Record<string, unknown> = { a: 1 };
    const first = json.of(value);
    value.a = 22;
    expect(json.of(value)).toBe(first);
    expect(json.fresh(value).text).toBe('{"a":22}');
    expect(json.of(value).text).toBe('{"a":22}');
  });

  it("is one execution's: another cache makes its own text", () => {
    const value: Record<string, unknown> = { a: 1 };
    const first = new StateJsonCache().of(value);
    value.a = 2;
    expect(new StateJsonCache().of(value).text).toBe('{"a":2}');
    expect(first.text).toBe('{"a":1}');
  });
});
