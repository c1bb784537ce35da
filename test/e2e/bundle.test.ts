import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FUNCTIONS, type FunctionName } from "../../functions/catalogue.ts";
import { BUNDLE_FILE, bundleFunction } from "../../infra/bundle/bundle-function.ts";

const cache = mkdtempSync(join(tmpdir(), "tts-aws-iot-bundle-test-"));
const other = mkdtempSync(join(tmpdir(), "tts-aws-iot-bundle-test-"));
afterAll(() => {
  for (const directory of [cache, other]) rmSync(directory, { recursive: true, force: true });
});
const names = Object.keys(FUNCTIONS) as FunctionName[];
const bundles = names.map((name) => [name, bundleFunction(name, FUNCTIONS[name].entry, cache)] as const);

describe("function bundles", () => {
  it.each(bundles)("%s: one minified ESM file exporting the handler, nothing machine-specific", (_, bundle) => {
    expect(readdirSync(bundle.directory)).toEqual([BUNDLE_FILE]);
    const code = readFileSync(join(bundle.directory, BUNDLE_FILE), "utf8");
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{\s*handler\b/);
    expect(code).not.toContain(process.cwd());
    // Minified: long lines (template literals keep a few newlines of their own).
    expect(code.length / code.split("\n").length).toBeGreaterThan(1000);
    // The SDK is bundled (see docs/deploy.md), not taken from the Lambda runtime.
    expect(code).not.toMatch(/from\s*"@aws-sdk\//);
    expect(bundle.bytes).toBe(Buffer.byteLength(code));
  });

  it("is content-addressed: the same code gives the same directory and hash", () => {
    const [name, first] = bundles[0]!;
    const again = bundleFunction(name, FUNCTIONS[name].entry, other);
    expect(again.sha256).toBe(first.sha256);
    expect(again.directory.slice(other.length)).toBe(first.directory.slice(cache.length));
  });
});
