/**
 * The `tts-aws-iot` bin (operate/bin.js): runs the CLI on a Node that strips TypeScript types, and on
 * any other Node — or from under node_modules, where Node strips none — says why and how to run it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "../../operate/bin.js");

/** This Node (the project's) and every `node` on PATH (the machine's, e.g. Debian's Node 20). */
function nodes(): { path: string; version: string }[] {
  const onPath = spawnSync("which", ["-a", "node"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  return [...new Set([process.execPath, ...onPath])].map((path) => ({
    path,
    version: execFileSync(path, ["--version"], { encoding: "utf8" }).trim().slice(1),
  }));
}

function stripsTypes(version: string): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
}

describe("operate/bin.js", () => {
  it("the project's Node runs the CLI", () => {
    expect(stripsTypes(process.versions.node)).toBe(true);
    const run = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: tts-aws-iot <command> \[options\]/);
  });

  it("each Node on the machine either runs it or names the Node it needs and how to run it", () => {
    for (const node of nodes()) {
      const run = spawnSync(node.path, [BIN, "doctor", "--help"], { encoding: "utf8" });
      if (stripsTypes(node.version)) {
        expect(run.status, node.path).toBe(0);
        expect(run.stdout).toMatch(/^Usage: tts-aws-iot doctor/);
      } else {
        expect(run.status, node.path).toBe(1);
        expect(run.stderr).toContain(`needs Node.js 22.18 or newer`);
        expect(run.stderr).toContain(`this is Node ${node.version}`);
        expect(run.stderr).toContain("npx tts-aws-iot");
      }
    }
  });

  it("installed under node_modules: says Node strips no types there, and how to install it instead", () => {
    const root = mkdtempSync(join(tmpdir(), "bin-"));
    try {
      const installed = join(root, "node_modules", "tts-aws-iot", "operate");
      mkdirSync(installed, { recursive: true });
      copyFileSync(BIN, join(installed, "bin.js"));
      const run = spawnSync(process.execPath, [join(installed, "bin.js"), "--help"], { encoding: "utf8" });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("where Node does not strip TypeScript types");
      expect(run.stderr).toContain("npm install --global <path to the checkout>");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
