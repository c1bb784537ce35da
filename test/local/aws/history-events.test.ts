import { describe, expect, it } from "vitest";
import { historyDetailsKey, toWireEvent } from "../../../local/aws/history-events.ts";

describe("historyDetailsKey", () => {
  it.each([
    ["ExecutionStarted", "executionStartedEventDetails"],
    ["ExecutionFailed", "executionFailedEventDetails"],
    ["TaskStateEntered", "stateEnteredEventDetails"],
    ["ChoiceStateExited", "stateExitedEventDetails"],
    ["TaskSucceeded", "taskSucceededEventDetails"],
    ["LambdaFunctionFailed", "lambdaFunctionFailedEventDetails"],
  ])("%s → %s", (type, key) => {
    expect(historyDetailsKey(type)).toBe(key);
  });
});

describe("toWireEvent", () => {
  it("puts details under their member and the timestamp in epoch seconds", () => {
    const event = {
      id: 2,
      previousEventId: 1,
      timestamp: new Date(1_500),
      type: "TaskStateEntered",
      details: { name: "A" },
    };
    expect(toWireEvent(event)).toEqual({
      id: 2,
      previousEventId: 1,
      timestamp: 1.5,
      type: "TaskStateEntered",
      stateEnteredEventDetails: { name: "A" },
    });
  });
});
