// Step Functions Developer Guide, "Logging using CloudWatch Logs" (CloudWatch Logs payloads): "If escaped input
// or escaped output sent to CloudWatch Logs exceeds 248KB, it will be truncated as a result of CloudWatch Logs
// quotas"; API Reference, "HistoryEventExecutionDataDetails": `truncated` says so.
import { describe, expect, it } from "vitest";
import {
  HISTORY_DATA_LIMIT_BYTES,
  truncatedHistoryData,
  withHistoryDataLimits,
} from "../../../local/aws/history-data.ts";

/** The text as a JSON string in a log record, without its quotes, in UTF-8 bytes: what the limit counts. */
const escapedBytes = (text: string) => Buffer.byteLength(JSON.stringify(text)) - 2;

describe("history data limits", () => {
  it("is 248 KB of escaped data", () => {
    expect(HISTORY_DATA_LIMIT_BYTES).toBe(253_952);
  });

  it("keeps data up to the limit whole", () => {
    const text = "a".repeat(HISTORY_DATA_LIMIT_BYTES);
    expect(truncatedHistoryData(text)).toEqual({ text, truncated: false });
    const quoted = `${"a".repeat(200_000)}${'"'.repeat(26_976)}`; // escapes to exactly the limit
    expect(truncatedHistoryData(quoted)).toEqual({ text: quoted, truncated: false });
    expect(truncatedHistoryData(`${quoted}"`).truncated).toBe(true);
  });

  it("cuts data over the limit to the longest prefix whose escaped form fits", () => {
    const text = "a".repeat(HISTORY_DATA_LIMIT_BYTES + 1);
    expect(truncatedHistoryData(text)).toEqual({ text: text.slice(0, HISTORY_DATA_LIMIT_BYTES), truncated: true });
  });

  it.each(['"', "\\", "\n", "\u0001", "é", "€", "😀", "\ud800", "a"])(
    "counts %j as JSON escapes it and UTF-8 encodes it, and cuts whole characters only",
    (unit) => {
      const whole = `{"k":"${unit.repeat(50)}"}`.repeat(10_000);
      const { text, truncated } = truncatedHistoryData(whole);
      expect(truncated).toBe(escapedBytes(whole) > HISTORY_DATA_LIMIT_BYTES);
      expect(whole.startsWith(text)).toBe(true);
      expect(escapedBytes(text)).toBeLessThanOrEqual(HISTORY_DATA_LIMIT_BYTES);
      // The longest such prefix: one more character would not fit.
      if (truncated)
        expect(escapedBytes(whole.slice(0, text.length + unit.length))).toBeGreaterThan(HISTORY_DATA_LIMIT_BYTES);
    },
  );

  it("marks cut input and output with inputDetails/outputDetails { truncated: true }, and leaves the rest", () => {
    const big = '"'.repeat(HISTORY_DATA_LIMIT_BYTES);
    const details = { name: "EnsureThing", input: big, output: "{}" };
    const limited = withHistoryDataLimits(details);
    expect(limited).toMatchObject({ name: "EnsureThing", inputDetails: { truncated: true }, output: "{}" });
    expect(limited).not.toHaveProperty("outputDetails");
    expect((limited["input"] as string).length).toBe(HISTORY_DATA_LIMIT_BYTES / 2);
    const small = { name: "A", input: "{}" };
    expect(withHistoryDataLimits(small)).toBe(small);
  });
});
