import { describe, expect, it } from "vitest";
import {
  epochNanosOf,
  formatDuration,
  formatTimestamp,
  omitZeroValues,
} from "../../../local/tts-simulator/proto-json.ts";

describe("protojson rendering", () => {
  it("writes timestamps with 0, 3, 6 or 9 fractional digits like the fixtures", () => {
    const at = new Date("2020-02-12T15:15:45.787Z");
    expect(formatTimestamp(epochNanosOf(at))).toBe("2020-02-12T15:15:45.787Z");
    expect(formatTimestamp(epochNanosOf(at, 585_559))).toBe("2020-02-12T15:15:45.787585559Z");
    expect(formatTimestamp(epochNanosOf(at, 585_000))).toBe("2020-02-12T15:15:45.787585Z");
    expect(formatTimestamp(epochNanosOf(new Date("2020-02-12T15:15:45Z")))).toBe("2020-02-12T15:15:45Z");
  });

  it("writes durations in seconds with an s suffix", () => {
    expect(formatDuration(56_576_000)).toBe("0.056576s");
    expect(formatDuration(1_000_000_000)).toBe("1s");
    expect(formatDuration(1_482_752_000)).toBe("1.482752s");
    expect(() => formatDuration(-1)).toThrow(RangeError);
  });

  it("omits zero values in messages but keeps them in payload maps", () => {
    expect(
      omitZeroValues({
        f_cnt: 0,
        f_port: 1,
        rx: [{ snr: 0, rssi: -80, channel_index: 0 }],
        empty: [],
        decoded_payload: { temperature: 0 },
        attributes: { note: "" },
      }),
    ).toEqual({ f_port: 1, rx: [{ rssi: -80 }], decoded_payload: { temperature: 0 }, attributes: { note: "" } });
  });
});
