/**
 * Just enough radio physics for believable `rx_metadata`: log-distance path loss, shadowing per
 * device–gateway link, fading per uplink, LoRa SNR limits per spreading factor and an ADR-like choice
 * of spreading factor. Values land where real EU868 gateways report them (RSSI −40…−125 dBm, SNR −20…+12 dB).
 */
import type { SeededRandom } from "./seeded-random.ts";

export interface GeoPoint {
  readonly latitude: number;
  readonly longitude: number;
  readonly altitude: number;
}

const EARTH_RADIUS_METERS = 6_371_000;
const radians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle (haversine) distance; altitude differences are negligible at LoRa ranges. */
export function distanceMeters(a: GeoPoint, b: GeoPoint): number {
  const dLat = radians(b.latitude - a.latitude);
  const dLon = radians(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point `meters` away from `origin` towards `bearingRadians` (flat-earth approximation, fine below ~10 km). */
export function offsetPoint(
  origin: GeoPoint,
  meters: number,
  bearingRadians: number,
  altitude = origin.altitude,
): GeoPoint {
  const dLat = (meters * Math.cos(bearingRadians)) / EARTH_RADIUS_METERS;
  const dLon = (meters * Math.sin(bearingRadians)) / (EARTH_RADIUS_METERS * Math.cos(radians(origin.latitude)));
  return {
    latitude: origin.latitude + (dLat * 180) / Math.PI,
    longitude: origin.longitude + (dLon * 180) / Math.PI,
    altitude,
  };
}

const DEVICE_EIRP_DBM = 14;
const GATEWAY_ANTENNA_GAIN_DBI = 3;
/** Thermal noise over 125 kHz (−174 + 51 dBm) plus a 6 dB receiver noise figure. */
export const NOISE_FLOOR_DBM = -117;
/** SX127x/SX130x demodulation floor per spreading factor. */
const REQUIRED_SNR_DB: Readonly<Record<number, number>> = { 7: -7.5, 8: -10, 9: -12.5, 10: -15, 11: -17.5, 12: -20 };
/** LoRa SNR estimates saturate around +10 dB however strong the signal. */
const MAX_REPORTED_SNR_DB = 10;
const ADR_MARGIN_DB = 5;
export const MAX_GATEWAYS_PER_UPLINK = 3;

/** Urban macro-cell path loss near 900 MHz (COST-231 Hata shape): 128.1 + 37.6·log10(d/km). */
export function pathLossDb(meters: number): number {
  return 128.1 + 37.6 * Math.log10(Math.max(meters, 20) / 1000);
}

export function meanSignalDbm(meters: number, shadowingDb: number): number {
  return DEVICE_EIRP_DBM + GATEWAY_ANTENNA_GAIN_DBI - pathLossDb(meters) + shadowingDb;
}

export function requiredSnrDb(spreadingFactor: number): number {
  const required = REQUIRED_SNR_DB[spreadingFactor];
  if (required === undefined) throw new RangeError(`no LoRa SNR floor for SF${spreadingFactor}`);
  return required;
}

/** Like TTS's ADR: the fastest spreading factor that still leaves a margin over the best gateway's SNR. */
export function adrSpreadingFactor(bestSignalDbm: number): number {
  const snr = bestSignalDbm - NOISE_FLOOR_DBM;
  for (let sf = 7; sf <= 12; sf++) {
    if (snr >= requiredSnrDb(sf) + ADR_MARGIN_DB) return sf;
  }
  return 12;
}

export interface RadioMeasurement {
  /** Packet RSSI: signal plus noise, as gateways report it (never much below the noise floor). */
  readonly rssi: number;
  readonly snr: number;
}

/** One reception with per-uplink fading; SNR in the 0.25 dB steps SX130x concentrators report. */
export function measureReception(meanSignal: number, random: SeededRandom): RadioMeasurement {
  const signal = meanSignal + 2 * random.gaussian();
  const rssi = 10 * Math.log10(10 ** (signal / 10) + 10 ** (NOISE_FLOOR_DBM / 10));
  const snr = Math.min(signal - NOISE_FLOOR_DBM, MAX_REPORTED_SNR_DB + random.between(-1.5, 1.5));
  return { rssi: Math.round(rssi), snr: Math.round(snr * 4) / 4 };
}

export interface RadioLink<G> {
  readonly gateway: G;
  readonly distanceMeters: number;
  readonly meanSignalDbm: number;
}

/**
 * The gateways that demodulate one uplink, best first: at most three, and always the device's
 * best gateway (an uplink nobody hears never reaches TTS, so never reaches us either).
 */
export function receivingGateways<G>(
  linksBestFirst: readonly RadioLink<G>[],
  spreadingFactor: number,
  random: SeededRandom,
): Array<{ readonly link: RadioLink<G>; readonly measurement: RadioMeasurement }> {
  const heard = linksBestFirst
    .map((link) => ({ link, measurement: measureReception(link.meanSignalDbm, random) }))
    .filter(({ measurement }, index) => index === 0 || measurement.snr >= requiredSnrDb(spreadingFactor));
  return heard.slice(0, MAX_GATEWAYS_PER_UPLINK).sort((a, b) => b.measurement.rssi - a.measurement.rssi);
}
