import { describe, expect, it } from "vitest";
import { shadowReportFor } from "../../functions/core/shadow-report.ts";
import { parseTtsMessage } from "../../functions/core/tts-message.ts";
import { fixture } from "../support/fixtures.ts";

const FALLBACK = "2026-01-01T00:00:00.000Z";
const reportOf = (value: unknown, options: { includeDecodedPayload?: boolean } = {}) => {
  const { kind, message } = parseTtsMessage(value);
  return shadowReportFor(kind, message, { fallbackTime: FALLBACK, ...options });
};

function uplinkHeardBy(rx: Record<string, unknown>[]) {
  const uplink = fixture("uplink");
  uplink.uplink_message.rx_metadata = rx;
  return uplink;
}

describe("shadow report of an uplink", () => {
  it("reports the fixture's metrics, counters, session and location", () => {
    expect(reportOf(fixture("uplink"))).toEqual({
      lastSeen: "2020-02-12T15:15:46.014773143Z",
      devAddr: "00BCB929",
      sessionID: "AXA50tHUGUucuzS/bCGMNw==",
      fCntUp: 1,
      gateways: 1,
      gatewayIds: ["gtw1"],
      rssi: -35,
      snr: 5,
      dataRate: "SF7BW125",
      spreadingFactor: 7,
      bandwidth: 125000,
      frequency: 868300000,
      airtime: 0.056576,
      location: { latitude: 37.97155556731436, longitude: 23.72678801175413, altitude: 10, source: "SOURCE_REGISTRY" },
    });
  });

  it("counts the distinct gateways (a number, as the official integration), lists their ids, takes the best rssi and snr", () => {
    const report = reportOf(
      uplinkHeardBy([
        { gateway_ids: { gateway_id: "gtw1" }, rssi: -110, snr: -7.5 },
        { gateway_ids: { gateway_id: "gtw2" }, rssi: -92, snr: -2.25 },
        { gateway_ids: { gateway_id: "gtw3" }, channel_rssi: -101, snr: 4 },
        { gateway_ids: { gateway_id: "gtw2" }, rssi: -95, snr: -3 },
      ]),
    );
    expect(report.gateways).toBe(3);
    expect(report.gatewayIds).toEqual(["gtw1", "gtw2", "gtw3"]);
    expect(report.rssi).toBe(-92);
    expect(report.snr).toBe(4);
  });

  it("omits rssi, snr and gateways it does not know", () => {
    const report = reportOf(uplinkHeardBy([]));
    expect(report.gateways).toBe(0);
    expect(report.gatewayIds).toEqual([]);
    expect(report).not.toHaveProperty("rssi");
    expect(report).not.toHaveProperty("snr");
  });

  it("reads an omitted f_cnt as frame 0 (TTS omits zero values)", () => {
    const uplink = fixture("uplink");
    delete uplink.uplink_message.f_cnt;
    expect(reportOf(uplink).fCntUp).toBe(0);
  });

  it("uses the rule time when the message has no received_at", () => {
    const uplink = fixture("uplink");
    delete uplink.received_at;
    expect(reportOf(uplink).lastSeen).toBe(FALLBACK);
  });

  it("copies the decoded payload only when asked", () => {
    expect(reportOf(fixture("uplink"))).not.toHaveProperty("payload");
    expect(reportOf(fixture("uplink"), { includeDecodedPayload: true }).payload).toEqual({
      temperature: 1.0,
      luminosity: 0.64,
    });
  });

  it("prefers the registered location over solved ones", () => {
    const uplink = fixture("uplink");
    uplink.uplink_message.locations = {
      "frm-payload": { latitude: 1, longitude: 2, source: "SOURCE_GPS" },
      user: { latitude: 3, longitude: 4, source: "SOURCE_REGISTRY" },
    };
    expect(reportOf(uplink).location).toEqual({ latitude: 3, longitude: 4, source: "SOURCE_REGISTRY" });
  });
});

describe("shadow report of other events", () => {
  it("marks a join as the activation and restarts the frame counters", () => {
    expect(reportOf(fixture("join-accept"))).toEqual({
      lastSeen: "2020-02-17T07:49:09.935284891Z",
      devAddr: "01497ECC",
      sessionID: "AXBSH1Pk6Z0G166RlH16CQ==",
      activated: "2020-02-17T07:49:09.736532315Z",
      fCntUp: 0,
      fCntDown: 0,
    });
  });

  it("takes fCntDown from downlink_sent", () => {
    const sent = fixture("downlink-ack");
    sent.downlink_sent = sent.downlink_ack;
    delete sent.downlink_ack;
    expect(reportOf(sent)).toEqual({ fCntDown: 1 });
  });

  it("reports a solved location", () => {
    const solved = fixture("downlink-ack");
    delete solved.downlink_ack;
    solved.location_solved = { service: "lora-cloud", location: { latitude: 52.1, longitude: 4.3, accuracy: 50 } };
    expect(reportOf(solved)).toEqual({ location: { latitude: 52.1, longitude: 4.3, accuracy: 50 } });
  });

  it.each(["downlink-ack", "downlink-failed"])("has nothing to report for %s", (name) => {
    expect(reportOf(fixture(name))).toEqual({});
  });
});
