import { describe, expect, it } from "vitest";
import { cloneJson, type JsonObject } from "../../../local/aws/json-value.ts";

describe("cloneJson", () => {
  it("copies every level, so changing the copy leaves the original as it was", () => {
    const original = JSON.parse('{"a":{"b":[1,{"c":"d"}],"e":null},"f":-0,"g":true}') as JsonObject;
    const copy = cloneJson(original);
    expect(copy).toStrictEqual(original);
    expect(Object.is(copy["f"], -0)).toBe(true);
    ((copy["a"] as JsonObject)["b"] as JsonObject[])[1]!["c"] = "changed";
    (copy["a"] as JsonObject)["e"] = 1;
    expect(original).toStrictEqual(JSON.parse('{"a":{"b":[1,{"c":"d"}],"e":null},"f":-0,"g":true}'));
  });

  it('keeps an own "__proto__" key (as JSON.parse makes it) an own key, not a prototype', () => {
    const original = JSON.parse('{"__proto__":{"polluted":true}}') as JsonObject;
    const copy = cloneJson(original);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(["__proto__"]);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true}}');
  });
});
