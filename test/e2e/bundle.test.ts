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

  // Each SDK client is ~15–130 KiB of bundle and tens of ms of import: only the ones the function calls.
  // Each client's Smithy namespace, as its schemas carry it.
  const SDK_CLIENTS = {
    iot: '"com.amazonaws.iot"',
    iotData: '"com.amazonaws.iotdataplane"',
    secretsManager: '"com.amazonaws.secretsmanager"',
  } as const;
  const CLIENTS_USED: Record<FunctionName, readonly (keyof typeof SDK_CLIENTS)[]> = {
    "ensure-thing": ["iot"],
    "update-shadow": ["iotData"],
    republish: ["iotData"],
    "validate-downlink": [],
    "enqueue-downlink": ["secretsManager"],
    "downlink-claim": ["iotData"],
    "find-queued-downlink": ["secretsManager"],
    "publish-feedback": ["iotData"],
    "configure-tts-pubsub": ["secretsManager"],
    "validate-device-thing": ["iot"],
    "register-end-device": ["secretsManager"],
    "register-root-keys": ["iot", "secretsManager"],
    "record-provisioning": ["iot"],
    "provisioning-feedback": ["iotData"],
  };

  it.each(bundles)("%s: only the SDK clients it calls, and zod/mini rather than zod", (name, bundle) => {
    const code = readFileSync(join(bundle.directory, BUNDLE_FILE), "utf8");
    const clients = (Object.keys(SDK_CLIENTS) as (keyof typeof SDK_CLIENTS)[]).filter((client) =>
      code.includes(SDK_CLIENTS[client]),
    );
    expect(clients).toEqual(CLIENTS_USED[name]);
    // keepNames keeps zod's class names: mini's schemas are ZodMini…, classic's Zod… (460 KiB).
    expect(code).toContain("ZodMiniObject");
    expect(code).not.toMatch(/"ZodObject"/);
    // Issue 15's budget; the IoT client's unused schemas are dropped (infra/bundle/literal-schema-keys.ts).
    expect(bundle.bytes).toBeLessThanOrEqual(400 * 1024);
    expect(code).not.toContain("AuditCheckConfiguration");
  });

  it("is content-addressed: the same code gives the same directory and hash", () => {
    const [name, first] = bundles[0]!;
    const again = bundleFunction(name, FUNCTIONS[name].entry, other);
    expect(again.sha256).toBe(first.sha256);
    expect(again.directory.slice(other.length)).toBe(first.directory.slice(cache.length));
  });
});
