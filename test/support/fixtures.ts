/** The TTS message examples in `test/fixtures/tts/`, as bytes (what TTS publishes) and as JSON. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const FIXTURES_DIR = join(import.meta.dirname, "..", "fixtures", "tts");

export const FIXTURE_NAMES = readdirSync(FIXTURES_DIR)
  .filter((file) => file.endsWith(".json"))
  .map((file) => file.replace(/\.json$/, ""));

export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(FIXTURES_DIR, `${name}.json`));
}

/** A fresh, mutable copy each time, so tests can build variants without affecting each other. */
/**
 * Parsed JSON as tests read it: deep property chains without a cast at every step (the assertions on
 * the values are the check).
 */
// biome-ignore lint/suspicious/noExplicitAny: see above; test code only.
export type LooseJson = Record<string, any>;

export function fixture<T = LooseJson>(name: string): T {
  return JSON.parse(fixtureBytes(name).toString("utf8")) as T;
}

/** The `ApplicationUp` fixtures (the queue request is a request body, not an event). */
export const EVENT_FIXTURES = {
  uplink: "uplink",
  join: "join-accept",
  downlinkAck: "downlink-ack",
  downlinkFailed: "downlink-failed",
} as const;
