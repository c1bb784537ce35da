import { describe, expect, it } from "vitest";
import { loraAirtimeNanos, lorawanPhyPayloadBytes } from "../../../local/tts-simulator/lora-airtime.ts";
import { formatDuration } from "../../../local/tts-simulator/proto-json.ts";

const airtime = (phyPayloadBytes: number, spreadingFactor: number, codingRate: "4/5" | "4/6" = "4/5") =>
  formatDuration(loraAirtimeNanos({ phyPayloadBytes, spreadingFactor, bandwidthHz: 125_000, codingRate }));

describe("LoRa airtime (AN1200.13, explicit header, CRC, 8 preamble symbols)", () => {
  it("gives 40.25 symbols of 1.024 ms for a 10-byte PHY payload at SF7/125 kHz/4/5", () => {
    expect(airtime(10, 7)).toBe("0.041216s");
  });

  it("matches the well-known EU868 figures for 10 application bytes (23-byte PHY payload)", () => {
    expect(lorawanPhyPayloadBytes(10)).toBe(23);
    expect([7, 8, 9, 10, 11, 12].map((sf) => airtime(23, sf))).toEqual([
      "0.061696s",
      "0.113152s",
      "0.205824s",
      "0.370688s",
      // SF11 and SF12 at 125 kHz use low data rate optimisation.
      "0.823296s",
      "1.482752s",
    ]);
  });

  it("counts the coding rate's redundancy and the header-only frame", () => {
    // 8 + ⌈200/28⌉·6 = 56 payload symbols + 12.25 preamble symbols, of 1.024 ms.
    expect(airtime(23, 7, "4/6")).toBe("0.069888s");
    expect(lorawanPhyPayloadBytes(0, { hasFPort: false })).toBe(12);
    expect(airtime(13, 12)).toBe("1.155072s");
  });

  it("rejects spreading factors LoRa does not have", () => {
    expect(() => airtime(10, 13)).toThrow(RangeError);
  });
});
