import { describe, expect, it } from "vitest";
import {
  adrSpreadingFactor,
  distanceMeters,
  meanSignalDbm,
  measureReception,
  NOISE_FLOOR_DBM,
  offsetPoint,
  receivingGateways,
} from "../../../local/tts-simulator/radio.ts";
import { SeededRandom } from "../../../local/tts-simulator/seeded-random.ts";
import {
  decodeSensorPayload,
  encodeSensorReading,
  initialSensorReading,
  nextSensorReading,
} from "../../../local/tts-simulator/sensor-payload.ts";

describe("sensor payload", () => {
  it("round-trips readings at the codec's resolution", () => {
    const bytes = encodeSensorReading({ temperature: -3.456, humidity: 48.7, battery: 3.6014 });
    expect(bytes).toHaveLength(5);
    expect(decodeSensorPayload(bytes)).toEqual({ temperature: -3.46, humidity: 48.5, battery: 3.601 });
  });

  it("drifts around the baseline without wandering off, and batteries only drain", () => {
    const random = new SeededRandom(5);
    const baseline = initialSensorReading(random);
    let reading = baseline;
    for (let step = 0; step < 2000; step++) {
      const next = nextSensorReading(reading, baseline, random);
      expect(next.battery).toBeLessThanOrEqual(reading.battery);
      expect(Math.abs(next.temperature - reading.temperature)).toBeLessThan(1);
      reading = next;
    }
    expect(Math.abs(reading.temperature - baseline.temperature)).toBeLessThan(3);
    expect(reading.humidity).toBeGreaterThanOrEqual(0);
    expect(reading.humidity).toBeLessThanOrEqual(100);
  });

  it("rejects payloads of the wrong length", () => {
    expect(() => decodeSensorPayload(new Uint8Array(4))).toThrow(RangeError);
  });
});

describe("radio model", () => {
  const origin = { latitude: 52.37, longitude: 4.89, altitude: 0 };

  it("measures distances and offsets consistently", () => {
    expect(distanceMeters(origin, offsetPoint(origin, 1500, Math.PI / 3))).toBeCloseTo(1500, -1);
  });

  it("weakens the signal with distance and picks slower spreading factors far away", () => {
    expect(meanSignalDbm(200, 0)).toBeGreaterThan(meanSignalDbm(2000, 0));
    expect(adrSpreadingFactor(meanSignalDbm(300, 0))).toBe(7);
    expect(adrSpreadingFactor(meanSignalDbm(6000, 0))).toBe(12);
    const spreadingFactors = [500, 1500, 2500, 3500, 4500].map((meters) =>
      adrSpreadingFactor(meanSignalDbm(meters, 0)),
    );
    expect(spreadingFactors).toEqual([...spreadingFactors].sort((a, b) => a - b));
  });

  it("reports plausible RSSI and SNR", () => {
    const random = new SeededRandom(2);
    for (let index = 0; index < 500; index++) {
      const { rssi, snr } = measureReception(meanSignalDbm(random.between(50, 5000), 0), random);
      expect(Number.isInteger(rssi)).toBe(true);
      expect(rssi).toBeLessThanOrEqual(-30);
      expect(rssi).toBeGreaterThanOrEqual(NOISE_FLOOR_DBM - 5);
      expect(snr).toBeLessThanOrEqual(12);
      expect(snr).toBeGreaterThanOrEqual(-30);
      expect(snr * 4).toBe(Math.round(snr * 4));
    }
  });

  it("always has the best gateway hear the uplink, and at most three", () => {
    const random = new SeededRandom(4);
    const links = [300, 800, 1200, 1500, 2000].map((meters, index) => ({
      gateway: `gw${index}`,
      distanceMeters: meters,
      meanSignalDbm: meanSignalDbm(meters, 0),
    }));
    for (let index = 0; index < 200; index++) {
      const heard = receivingGateways(links, 7, random);
      expect(heard.length).toBeGreaterThanOrEqual(1);
      expect(heard.length).toBeLessThanOrEqual(3);
      expect(heard.map(({ link }) => link.gateway)).toContain("gw0");
    }
    expect(receivingGateways(links.slice(4), 7, random)).toHaveLength(1);
  });
});
