import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURE_NAMES, fixtureBytes } from "../support/fixtures.ts";

const SHARED = join(import.meta.dirname, "..", "..", "..", "shared", "fixtures", "tts");

describe("vendored TTS fixtures", () => {
  it("include every documented example", () => {
    expect(FIXTURE_NAMES.sort()).toEqual([
      "downlink-ack",
      "downlink-failed",
      "downlink-queue-request",
      "join-accept",
      "uplink",
    ]);
  });

  it.runIf(existsSync(SHARED))("are byte-identical to the shared originals", () => {
    for (const name of FIXTURE_NAMES) {
      expect(fixtureBytes(name).equals(readFileSync(join(SHARED, `${name}.json`))), name).toBe(true);
    }
  });
});
