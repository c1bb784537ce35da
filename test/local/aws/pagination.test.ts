import { describe, expect, it } from "vitest";
import { paginate } from "../../../local/aws/pagination.ts";

describe("paginate", () => {
  const items = ["a", "b", "c", "d", "e"];

  it("walks all items page by page", () => {
    const first = paginate(items, 2, undefined);
    const second = paginate(items, 2, first.nextToken);
    const third = paginate(items, 2, second.nextToken);
    expect([first.items, second.items, third.items]).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(third.nextToken).toBeUndefined();
  });

  it("has no token when everything fits", () => {
    expect(paginate(items, 5, undefined)).toEqual({ items });
  });

  it("rejects tokens it did not issue with the service's error code", () => {
    expect(() => paginate(items, 2, "garbage", "InvalidToken")).toThrow(
      expect.objectContaining({ code: "InvalidToken", message: "Invalid pagination token: garbage" }),
    );
    const negative = Buffer.from(JSON.stringify({ offset: -1 })).toString("base64url");
    expect(() => paginate(items, 2, negative)).toThrow(expect.objectContaining({ code: "InvalidRequestException" }));
  });

  it("ends a page before the item that would take it over a size budget, never empty", () => {
    const sized = ["aaa", "bb", "cccc", "dddddddddd", "e"];
    const budget = { sizeOf: (item: string) => item.length, maxSize: 6 };
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = paginate(sized, 10, token, "InvalidToken", budget);
      pages.push(page.items);
      token = page.nextToken;
    } while (token !== undefined);
    expect(pages).toEqual([["aaa", "bb"], ["cccc"], ["dddddddddd"], ["e"]]);
  });
});
