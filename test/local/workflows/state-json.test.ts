/** The state JSON cache: the text and UTF-8 bytes JSON.stringify gives, made once per object unless asked afresh. */
import { describe, expect, it } from "vitest";
import { freshStateJson, stateJson } from "../../../local/workflows/state-json.ts";

describe("stateJson", () => {
  it("gives JSON.stringify's text and its UTF-8 bytes, scalars and undefined included", () => {
    const value = { name: "é", list: [1, null, "x"], nested: { at: new Date(0) } };
    expect(stateJson(value)).toEqual({ text: JSON.stringify(value), bytes: Buffer.byteLength(JSON.stringify(value)) });
    expect(stateJson("€")).toEqual({ text: '"€"', bytes: 5 });
    expect(stateJson(undefined)).toEqual({ text: "null", bytes: 4 });
  });

  it("makes the text once per object, and afresh when asked (a handler may change what it was given)", () => {
    const value: Record<string, unknown> = { a: 1 };
    const first = stateJson(value);
    value.a = 22;
    expect(stateJson(value)).toBe(first);
    expect(freshStateJson(value).text).toBe('{"a":22}');
    expect(stateJson(value).text).toBe('{"a":22}');
  });
});
