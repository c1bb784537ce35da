/**
 * How a rule's FROM topic filter matches topics. Expected answers: AWS IoT Core Developer Guide,
 * "MQTT topics" (names and filters are case-sensitive; `+` one level, `#` the rest and last; topics
 * beginning with `$` are reserved) and "FROM clause" (its `topic/#` example), and MQTT 3.1.1 §4.7
 * (`a/#` matches `a` too; a filter beginning with a wildcard does not match a `$` topic).
 */
import { describe, expect, it } from "vitest";
import { TopicFilterError, topicFilterProblem, topicMatches } from "../../../local/rules/index.ts";

describe("topicMatches", () => {
  it.each([
    ["a/b/c", "a/b/c", true],
    ["a/b/c", "a/b/d", false],
    ["a/b/c", "a/b", false],
    ["a/b", "a/b/c", false],
    ["a/b", "A/B", false],
    ["a/+/c", "a/b/c", true],
    ["a/+/c", "a/b/x/c", false],
    ["a/+", "a/", true],
    ["a/+", "a", false],
    ["+/+", "a/b", true],
    ["+", "a/b", false],
    ["a/#", "a/b/c/d", true],
    ["a/#", "a", true],
    ["a/#", "ab", false],
    ["#", "a/b", true],
    ["/a", "/a", true],
    ["+/a", "/a", true],
    ["a/b/", "a/b/", true],
    ["a/b/", "a/b", false],
    ["thethings/lorawan/my-stack/downlink/+", "thethings/lorawan/my-stack/downlink/queued", true],
    ["thethings/lorawan/my-stack/downlink/+", "thethings/lorawan/my-stack/downlink/a/b", false],
  ])("filter %j, topic %j → %s", (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });

  it.each([
    ["topic/subtopic", true],
    ["topic/subtopic-2", true],
    ["topic/subtopic-3/details", true],
    ["topic-2/subtopic-x", false],
  ])("the FROM clause guide's example: 'topic/#' and topic %j → %s", (topic, expected) => {
    expect(topicMatches("topic/#", topic)).toBe(expected);
  });

  it.each([
    ["#", "$aws/things/t/shadow/update", false],
    ["+/things/t/shadow/update", "$aws/things/t/shadow/update", false],
    ["$aws/things/+/shadow/update", "$aws/things/t/shadow/update", true],
    ["$aws/#", "$aws/events/presence/connected/c", true],
    ["$aws/events/thing/t/created", "$aws/events/thing/t/created", true],
    ["$aws/events/thing/t/created", "$aws/events/thing/t/deleted", false],
  ])("reserved topics: filter %j, topic %j → %s", (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });

  it.each(["", "a/+", "a/#", "#"])("a topic with wildcards or empty (%j) is never matched", (topic) => {
    expect(topicMatches("#", topic)).toBe(false);
    expect(topicMatches("a/+", topic)).toBe(false);
  });

  it.each([
    ["", "a topic filter cannot be empty"],
    ["a/#/b", `"#" must be a whole level and the last one`],
    ["a/b#", `"#" must be a whole level and the last one`],
    ["a/b+/c", `"+" must be a whole level`],
    ["a+", `"+" must be a whole level`],
  ])("rejects invalid filter %j", (filter, problem) => {
    expect(topicFilterProblem(filter)).toBe(problem);
    expect(() => topicMatches(filter, "a/b")).toThrow(
      new TopicFilterError(`invalid topic filter '${filter}': ${problem}`),
    );
  });

  it("names its error class for Retry/Catch matching", () => {
    expect(() => topicMatches("a/#/b", "a")).toThrow(expect.objectContaining({ name: "TopicFilterError" }));
  });
});
