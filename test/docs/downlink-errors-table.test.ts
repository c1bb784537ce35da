import { describe, expect, it } from "vitest";
import { DOWNLINK_ERROR_CODES } from "../../functions/core/downlink/errors.ts";
import { downlinkErrorsMarkdown } from "./downlink-errors-table.ts";

describe("downlinkErrorsMarkdown", () => {
  it("renders a Markdown row per code", () => {
    const markdown = downlinkErrorsMarkdown();
    expect(markdown.split("\n")).toHaveLength(DOWNLINK_ERROR_CODES.length + 2);
    expect(markdown).toContain(
      "| `invalid_f_port` | 3 INVALID_ARGUMENT | no | `fPort` is not an integer from 1 to 223",
    );
    expect(markdown).toContain("| `tts_unavailable` | 14 UNAVAILABLE | yes |");
  });
});
