// Step Functions Developer Guide, "Logging using CloudWatch Logs" (CloudWatch Logs payloads): "If escaped input
// or escaped output sent to CloudWatch Logs exceeds 248KB, it will be truncated as a result of CloudWatch Logs
// quotas"; API Reference, "HistoryEventExecutionDataDetails": `truncated` says so.
import { describe, expect, it } from "vitest";
import {
  escapedBytes,
  HISTORY_DATA_LIMIT_BYTES,
  truncatedHistoryData,
  withHistoryDataLimits,
} from "../../../local/aws/history-data.ts";

describe("history data limits", () => {
  it("is 248 KB of escaped data", () => {
    expect(HISTORY_DATA_LIMIT_BYTES).toBe(253_952);
    expect(escapedBytes('{"a":"é\\n"}')).toBe(Buffer.byteLength('{\\"a\\":\\"é\\\\n\\"}'));
  });

  it("keeps data up to the limit whole", () => {
    const text = "a".repeat(HISTORY_DATA_LIMIT_BYTES);
    expect(truncatedHistoryData(text)).toEqual({ text, truncated: false });
  });

  it("cuts data over the limit to the longest prefix whose escaped form fits", () => {
    const text = "a".repeat(HISTORY_DATA_LIMIT_BYTES + 1);
    expect(truncatedHistoryData(text)).toEqual({ text: text.slice(0, HISTORY_DATA_LIMIT_BYTES), truncated: true });
  });

  it("counts escapes and UTF-8 bytes, and never splits a character", () => {
    for (const unit of ['"', "é", "😀", "\u0001"]) {
      const { text, truncated } = truncatedHistoryData(unit.repeat(200_000));
      expect(truncated).toBe(true);
      expect(escapedBytes(text)).toBeLessThanOrEqual(HISTORY_DATA_LIMIT_BYTES);
      expect(escapedBytes(text)).toBeGreaterThan(HISTORY_DATA_LIMIT_BYTES - 12);
      expect(text.length % unit.length).toBe(0);
    }
  });

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
