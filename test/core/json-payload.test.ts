import { describe, expect, it } from "vitest";
import { decodeJsonPayload, echoed, MAX_JSON_DEPTH, nestsDeeperThan } from "../../functions/core/json-payload.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const nested = (depth: number) => `{"a":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;

describe("decodeJsonPayload", () => {
  it(`decodes JSON nested ${MAX_JSON_DEPTH} deep, and refuses one level more without parsing it`, () => {
    expect(decodeJsonPayload(bytes(nested(MAX_JSON_DEPTH))).ok).toBe(true);
    const refused = decodeJsonPayload(bytes(nested(MAX_JSON_DEPTH + 1)));
    expect(refused).toMatchObject({ ok: false, reason: expect.stringMatching(/^nested deeper than 64 levels; /) });
  });

  it.each([4_000, 100_000])("refuses %i levels of nesting with a reason, not a RangeError", (depth) => {
    expect(decodeJsonPayload(bytes(nested(depth)))).toMatchObject({
      ok: false,
      reason: expect.stringContaining("nested deeper than 64 levels"),
    });
  });

  it("counts brackets outside strings only, escaped quotes included", () => {
    const inString = `{"text": "${"[{".repeat(500)} \\" ${"[{".repeat(500)}"}`;
    expect(nestsDeeperThan(inString, 2)).toBe(false);
    expect(decodeJsonPayload(bytes(inString)).ok).toBe(true);
    expect(nestsDeeperThan('{"a": "\\\\", "b": [[[]]]}', 3)).toBe(true);
  });

  it("judges wide but shallow JSON by its depth, not by how many brackets it holds", () => {
    const wide = `[${"{},".repeat(100)}[[]]]`;
    expect(nestsDeeperThan(wide, 3)).toBe(false);
    expect(nestsDeeperThan(wide, 2)).toBe(true);
    expect(nestsDeeperThan("[[]]", 2)).toBe(false);
    expect(nestsDeeperThan("[[[]]]", 2)).toBe(true);
  });

  it("refuses bytes that are not UTF-8, and decodes the next payload as if nothing happened", () => {
    // An unfinished sequence (0xE2 0x82 of "€") at the end: a decoder keeping state would carry it over.
    const refused = decodeJsonPayload(new Uint8Array([0x7b, 0x7d, 0xe2, 0x82]));
    expect(refused).toMatchObject({ ok: false, reason: expect.stringContaining("encoded data was not valid") });
    expect(decodeJsonPayload(bytes('{"price":"€5"}'))).toEqual({ ok: true, value: { price: "€5" } });
  });

  it("tells why a payload is not UTF-8 JSON, echoing at most 40 printable characters", () => {
    const refused = decodeJsonPayload(bytes(`x${"y".repeat(5000)}`));
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.reason).toContain('5001 bytes starting "xyyy');
      expect(refused.reason).not.toContain("y".repeat(41));
    }
  });
});

describe("echoed", () => {
  it("keeps short values and cuts long ones, saying how long they were", () => {
    expect(echoed("dev-1")).toBe("dev-1");
    expect(echoed("x".repeat(5000))).toBe(`${"x".repeat(40)}… (5000 characters)`);
    expect(echoed("a\nb")).toBe("a?b");
  });
});
