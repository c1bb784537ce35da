import { describe, expect, it } from "vitest";
import { matchPathTemplate, splitPath } from "../../../local/aws/rest-routes.ts";

describe("matchPathTemplate", () => {
  it("captures labels", () => {
    expect(matchPathTemplate("/things/{thingName}/shadow", ["things", "sensor-1", "shadow"])).toEqual({
      thingName: "sensor-1",
    });
  });

  it("matches literal paths", () => {
    expect(matchPathTemplate("/endpoint", ["endpoint"])).toEqual({});
  });

  it("refuses other lengths, other literals and empty labels", () => {
    expect(matchPathTemplate("/things/{thingName}", ["things", "a", "shadow"])).toBeUndefined();
    expect(matchPathTemplate("/things/{thingName}", ["thing-types", "a"])).toBeUndefined();
    expect(matchPathTemplate("/things/{thingName}", ["things", ""])).toBeUndefined();
  });
});

describe("splitPath", () => {
  it("drops empty parts", () => {
    expect(splitPath("//topics/a/")).toEqual(["topics", "a"]);
  });
});
