import { describe, expect, it } from "vitest";
import { correlationIdsWith, ttsApplicationDownlink } from "../../../functions/core/downlink/application-downlink.ts";
import { parseDownlinkRequestValue } from "../../../functions/core/downlink/validation.ts";

describe("correlationIdsWith", () => {
  it("appends once", () => {
    expect(correlationIdsWith(["a", "b"], "c")).toEqual(["a", "b", "c"]);
    expect(correlationIdsWith(["a", "c"], "c")).toEqual(["a", "c"]);
    expect(correlationIdsWith(["a"], undefined)).toEqual(["a"]);
  });
});

describe("ttsApplicationDownlink", () => {
  it("has TTS's field order, confirmed only when true, the application's correlationId last", () => {
    const request = parseDownlinkRequestValue({
      thingName: "T",
      bytes: "AQ==",
      fPort: 2,
      confirmed: true,
      correlationId: "c",
    });
    const downlink = ttsApplicationDownlink(request, ["x"]);
    expect(Object.keys(downlink)).toEqual(["f_port", "frm_payload", "confirmed", "priority", "correlation_ids"]);
    expect(downlink.correlation_ids).toEqual(["x", "c"]);
    expect(ttsApplicationDownlink({ ...request, confirmed: false }, [])).not.toHaveProperty("confirmed");
  });
});
