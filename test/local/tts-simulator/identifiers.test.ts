import { decodeTime, uuidToULID } from "ulidx";
import { describe, expect, it } from "vitest";
import {
  newSessionKeyId,
  randomDevAddr,
  simulatedDevEui,
  simulatedDeviceId,
  simulatedJoinEui,
} from "../../../local/tts-simulator/identity.ts";
import { deriveSeed, SeededRandom } from "../../../local/tts-simulator/seeded-random.ts";
import { ulid, ulidBytes } from "../../../local/tts-simulator/ulid.ts";
import { uplinkToken } from "../../../local/tts-simulator/uplink-token.ts";
import { fixture } from "../../support/fixtures.ts";

const DEVICE_ID_PATTERN = /^[a-z0-9](?:-?[a-z0-9]){2,35}$/;

describe("seeded random", () => {
  it("repeats its sequence for the same seed and differs for another", () => {
    const sequence = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(sequence(42)).toEqual(sequence(42));
    expect(new SeededRandom(42).next()).not.toBe(new SeededRandom(43).next());
    expect(deriveSeed(1, "device", 0)).not.toBe(deriveSeed(1, "device", 1));
  });

  it("forks label-dependent sub-streams without moving its own sequence", () => {
    const parent = new SeededRandom(42);
    const fork = parent.fork("traffic");
    expect(parent.next()).toBe(new SeededRandom(42).next());
    expect(fork.next()).toBe(new SeededRandom(42).fork("traffic").next());
    expect(new SeededRandom(42).fork("traffic").next()).not.toBe(new SeededRandom(42).fork("other").next());
  });

  it("stays within the asked ranges", () => {
    const random = new SeededRandom(9);
    for (let index = 0; index < 1000; index++) {
      const value = random.int(3, 5);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(5);
      expect(random.next()).toBeLessThan(1);
    }
    expect(new Set(random.bytes(1000)).size).toBeGreaterThan(200);
  });
});

describe("ULIDs", () => {
  it("encode the millisecond time in the first 10 Crockford base32 characters (spec example)", () => {
    expect(ulid(1469918176385, new SeededRandom(1))).toMatch(/^01ARYZ6S41[0-9A-HJKMNP-TV-Z]{16}$/);
  });

  it("read the fixture's binary session key ID back to the day it was issued", () => {
    const bytes = Buffer.from(fixture("uplink").uplink_message.session_key_id, "base64");
    const epochMs = bytes.readUIntBE(0, 6);
    expect(new Date(epochMs).toISOString().slice(0, 10)).toBe("2020-02-12");
    expect(decodeTime(uuidToULID(uuidOf(bytes)))).toBe(epochMs);
  });

  it("give the same 16 bytes as their text, the time first", () => {
    const bytes = ulidBytes(1469918176385, new SeededRandom(1));
    expect(bytes).toHaveLength(16);
    expect(uuidToULID(uuidOf(bytes))).toBe(ulid(1469918176385, new SeededRandom(1)));
    expect(Buffer.from(bytes).readUIntBE(0, 6)).toBe(1469918176385);
  });
});

function uuidOf(bytes: Uint8Array): string {
  return Buffer.from(bytes)
    .toString("hex")
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
}

describe("device identifiers", () => {
  it("are valid TTS device IDs", () => {
    expect(simulatedDeviceId(0)).toBe("sim-sensor-001");
    expect(simulatedDeviceId(65_535)).toMatch(DEVICE_ID_PATTERN);
  });

  it("derive EUIs from the seed, unique per device, with the locally administered prefix", () => {
    const euis = Array.from({ length: 500 }, (_, index) => simulatedDevEui(7, index));
    expect(new Set(euis).size).toBe(500);
    for (const eui of euis) expect(eui).toMatch(/^0253494D[0-9A-F]{8}$/);
    expect(simulatedDevEui(7, 3)).toBe(simulatedDevEui(7, 3));
    expect(simulatedDevEui(8, 3)).not.toBe(simulatedDevEui(7, 3));
    expect(simulatedJoinEui(7)).toMatch(/^[0-9A-F]{16}$/);
    expect(() => simulatedDevEui(7, 65_536)).toThrow(RangeError);
  });

  it("give DevAddrs in The Things Network's NetID 000013 range", () => {
    const random = new SeededRandom(3);
    for (let index = 0; index < 200; index++) expect(randomDevAddr(random)).toMatch(/^2[67][0-9A-F]{6}$/);
  });

  it("give session key IDs as base64 of a 16-byte ULID", () => {
    const bytes = Buffer.from(newSessionKeyId(Date.UTC(2025, 0, 1), new SeededRandom(1)), "base64");
    expect(bytes).toHaveLength(16);
    expect(bytes.readUIntBE(0, 6)).toBe(Date.UTC(2025, 0, 1));
  });
});

describe("uplink tokens", () => {
  it("encode gateway IDs, EUI and timestamp exactly as the fixture's token", () => {
    const { rx_metadata } = fixture("uplink").uplink_message;
    const [reception] = rx_metadata;
    expect(uplinkToken(reception.gateway_ids.gateway_id, reception.gateway_ids.eui, reception.timestamp)).toBe(
      reception.uplink_token,
    );
  });
});
