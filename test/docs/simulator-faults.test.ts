/** The README's `/simulator/faults` section: its kinds are the simulator's, its examples are faults it accepts. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCAL_OPTIONS } from "../../local/runtime/config.ts";
import { parseFault } from "../../local/tts-simulator/fault-spec.ts";
import { FAULT_KINDS, FAULTS_PATH } from "../../local/tts-simulator/index.ts";

const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
const section = readme.slice(readme.indexOf("### TTS simulator faults"), readme.indexOf("\n## Deploy to AWS"));
const defaultUrl = `http://${LOCAL_OPTIONS["bind-host"].schema.parse(undefined)}:${LOCAL_OPTIONS["tts-port"].schema.parse(undefined)}`;
const curlLines = section.split("\n").filter((line) => line.startsWith("curl "));

describe("README: TTS simulator faults", () => {
  it("has a row for every fault kind, and no other", () => {
    const firstCells = section.split("\n").flatMap((line) => /^\| `(\w+)` \|/.exec(line)?.[1] ?? []);
    const kinds = firstCells.filter((cell) => cell !== "kind"); // the header
    expect(kinds.sort()).toEqual([...FAULT_KINDS].sort());
  });

  it("shows curl commands against npm start's defaults, each adding a fault the simulator accepts", () => {
    const posts = curlLines.filter((line) => line.includes("-X POST"));
    expect(posts.length).toBeGreaterThanOrEqual(4);
    for (const line of curlLines.filter((line) => line.includes(FAULTS_PATH))) {
      expect(line).toContain(`${defaultUrl}${FAULTS_PATH}`);
    }
    for (const line of posts) {
      const body = /-d '([^']+)'$/.exec(line)?.[1];
      expect(body, line).toBeDefined();
      expect(() => parseFault(JSON.parse(body!)), line).not.toThrow();
    }
  });
});
