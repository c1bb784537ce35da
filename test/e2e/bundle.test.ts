import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FUNCTIONS, type FunctionName } from "../../functions/catalogue.ts";
import { BUNDLE_FILE, bundleFunction } from "../../infra/bundle/bundle-function.ts";
import { fixtureBytes } from "../support/fixtures.ts";
import { upstreamEvent } from "../support/rule-events.ts";

const cache = mkdtempSync(join(tmpdir(), "tts-aws-iot-bundle-test-"));
const other = mkdtempSync(join(tmpdir(), "tts-aws-iot-bundle-test-"));
afterAll(() => {
  for (const directory of [cache, other]) rmSync(directory, { recursive: true, force: true });
});
const names = Object.keys(FUNCTIONS) as FunctionName[];
const bundles = names.map((name) => [name, bundleFunction(name, FUNCTIONS[name].entry, cache)] as const);
/** Any import of a file beside it: a static one, a bare one, an `import()`. */
const FILE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)"\.\//;
/** An ESM import of a Node built-in, `node:`-prefixed or not (the banner's `node:module` aside). */
const BUILTIN_IMPORT = new RegExp(
  `(?:\\bfrom|\\bimport\\s*\\(?)\\s*"(?:node:)?(?:${builtinModules
    .filter((name) => name !== "module")
    .map((name) => name.replace(/[/]/g, "\\/"))
    .join("|")})"`,
);
const codeOf = (bundle: { directory: string }): string => readFileSync(join(bundle.directory, BUNDLE_FILE), "utf8");

/** Runs `script` as an ES module in the bundle's directory on the project's Node 22, as Lambda would. */
function onNode22(bundle: { directory: string }, script: string, env: Record<string, string> = {}): string {
  return execFileSync(resolve("node_modules/.bin/node"), ["--input-type=module", "-e", script], {
    cwd: bundle.directory,
    env: { PATH: process.env["PATH"] ?? "", AWS_REGION: "eu-west-1", ...env },
  })
    .toString()
    .trim();
}

describe("function bundles", () => {
  it.each(bundles)(
    "%s: one minified ESM file, index.mjs exporting the handler, nothing machine-specific",
    (_, bundle) => {
      expect(readdirSync(bundle.directory)).toEqual([BUNDLE_FILE]);
      const code = codeOf(bundle);
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{\s*handler\b/);
      expect(code).not.toContain(process.cwd());
      // Minified: long lines (template literals keep a few newlines of their own).
      expect(code.length / code.split("\n").length).toBeGreaterThan(1000);
      // The SDK is bundled (see docs/deploy.md), not taken from the Lambda runtime.
      expect(code).not.toMatch(/from\s*"@aws-sdk\//);
      expect(bundle.bytes).toBe(Buffer.byteLength(code));
    },
  );

  it.each(bundles)("%s: imports no file of its own, and loads built-ins through require", (_, bundle) => {
    const code = codeOf(bundle);
    // One module per cold start: lambda-stand-ins.ts.
    expect(code).not.toMatch(FILE_IMPORT);
    // An ESM import of a built-in runs its lazy exports (undici behind node:http): builtins-through-require.ts.
    expect(code).not.toMatch(BUILTIN_IMPORT);
  });

  it.each(bundles.filter(([name]) => name !== "validate-downlink"))(
    "%s: the credential chain is the environment's alone, and event streams are left out",
    (_, bundle) => {
      const code = codeOf(bundle);
      expect(code).toContain("Unable to find environment variable credentials.");
      // The chain's other links and the clients behind them: STS (web identity, roles), SSO, sign-in.
      for (const name of ["AssumeRoleWithWebIdentity", "GetRoleCredentials", "CreateToken", "fromProcess"])
        expect(code).not.toContain(name);
      expect(code).toContain("EventStreamsNotBundled");
      expect(code).not.toContain("EventStreamCodec");
    },
  );

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
    const code = codeOf(bundle);
    const clients = (Object.keys(SDK_CLIENTS) as (keyof typeof SDK_CLIENTS)[]).filter((client) =>
      code.includes(SDK_CLIENTS[client]),
    );
    expect(clients).toEqual(CLIENTS_USED[name]);
    // zod names its classes explicitly: mini's schemas are ZodMini…, classic's Zod… (460 KiB).
    expect(code).toContain("ZodMiniObject");
    expect(code).not.toMatch(/"ZodObject"/);
    // Issue 15's budget; the IoT client's unused schemas are dropped (infra/bundle/literal-schema-keys.ts).
    expect(bundle.bytes).toBeLessThanOrEqual(400 * 1024);
    expect(code).not.toContain("AuditCheckConfiguration");
  });

  it("runs on Node 22: credentials from the environment only, the SDK's CredentialsProviderError without them", () => {
    const bundle = bundles.find(([name]) => name === "ensure-thing")![1];
    const event = upstreamEvent(fixtureBytes("uplink"));
    const script = `
      const { handler } = await import("./${BUNDLE_FILE}");
      try { await handler(${JSON.stringify(event)}, {}); console.log("no error"); } catch (error) { console.log(error.name); }`;
    // The endpoint is never reached: credentials come first.
    const env = { STACK_NAME: "test-stack", AWS_ENDPOINT_URL_IOT: "http://127.0.0.1:9" };
    expect(onNode22(bundle, script, env)).toBe("CredentialsProviderError");
    // With them (as Lambda sets them), the call is signed and sent: nothing listens on port 9.
    const withCredentials = { ...env, AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret" };
    const sent = script.replace("console.log(error.name)", "console.log(error.name, error.message)");
    expect(onNode22(bundle, sent, withCredentials)).toMatch(/^TransientAwsError .*ECONNREFUSED 127\.0\.0\.1:9/);
  });

  it("keeps error names without keepNames: the bundled handler fails with the name the source's does", async () => {
    const bundle = bundles.find(([name]) => name === "validate-downlink")![1];
    const script = `
      const { handler } = await import("./${BUNDLE_FILE}");
      try { await handler({}, {}); console.log("no error"); } catch (error) { console.log(error.name); }`;
    const bundled = onNode22(bundle, script);
    const { createValidateDownlinkHandler } = await import("../../functions/validate-downlink/handler.ts");
    const source = await createValidateDownlinkHandler()({} as never, undefined as never).then(
      () => "no error",
      (error: Error) => error.name,
    );
    expect(source).not.toBe("no error");
    expect(source).not.toBe("Error");
    expect(bundled).toBe(source);
  });

  it("is content-addressed: the same code gives the same directory and hash", () => {
    const [name, first] = bundles[0]!;
    const again = bundleFunction(name, FUNCTIONS[name].entry, other);
    expect(again.sha256).toBe(first.sha256);
    expect(again.directory.slice(other.length)).toBe(first.directory.slice(cache.length));
  });
});
