/**
 * The simulated sensor's application payload on FPort 1, and how its readings drift between uplinks.
 * Layout (5 bytes, big-endian): temperature int16 in 0.01 °C, humidity uint8 in 0.5 %RH,
 * battery uint16 in mV. `decoded_payload` is what a TTS payload formatter would make of these bytes.
 */
import type { SeededRandom } from "./seeded-random.ts";

export const SENSOR_F_PORT = 1;
export const SENSOR_PAYLOAD_BYTES = 5;

export interface SensorReading {
  /** °C */
  readonly temperature: number;
  /** %RH */
  readonly humidity: number;
  /** V */
  readonly battery: number;
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

export function encodeSensorReading(reading: SensorReading): Uint8Array {
  const bytes = new Uint8Array(SENSOR_PAYLOAD_BYTES);
  const view = new DataView(bytes.buffer);
  view.setInt16(0, clamp(Math.round(reading.temperature * 100), -32768, 32767));
  view.setUint8(2, clamp(Math.round(reading.humidity * 2), 0, 200));
  view.setUint16(3, clamp(Math.round(reading.battery * 1000), 0, 65535));
  return bytes;
}

export function decodeSensorPayload(bytes: Uint8Array): SensorReading {
  if (bytes.length !== SENSOR_PAYLOAD_BYTES) {
    throw new RangeError(`sensor payload is ${SENSOR_PAYLOAD_BYTES} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    temperature: view.getInt16(0) / 100,
    humidity: view.getUint8(2) / 2,
    battery: view.getUint16(3) / 1000,
  };
}

export const EMPTY_BATTERY_VOLTS = 2.9;

/**
 * One step of a mean-reverting random walk around the device's own baseline, so a dashboard shows
 * values that wander like a real room would, while batteries only ever drain.
 */
export function nextSensorReading(
  current: SensorReading,
  baseline: SensorReading,
  random: SeededRandom,
): SensorReading {
  const pull = 0.1;
  return {
    temperature: clamp(
      current.temperature + pull * (baseline.temperature - current.temperature) + 0.15 * random.gaussian(),
      -40,
      85,
    ),
    humidity: clamp(current.humidity + pull * (baseline.humidity - current.humidity) + 0.6 * random.gaussian(), 0, 100),
    battery: Math.max(EMPTY_BATTERY_VOLTS, current.battery - random.between(0, 0.0015)),
  };
}

export function initialSensorReading(random: SeededRandom): SensorReading {
  return {
    temperature: random.between(17, 26),
    humidity: random.between(30, 65),
    battery: random.between(3.3, 3.65),
  };
}
