import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
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
/** `import … from"./x.mjs"` and a bare `import"./x.mjs"`; with `import("./x.mjs")`, any import of a chunk. */
const STATIC_IMPORT = /(?:\bfrom\s*|\bimport\s*)"\.\/([^"]+)"/g;
const ANY_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)"\.\/([^"]+)"/g;
/** An ESM import of a Node built-in, `node:`-prefixed or not (the banner's `node:module` aside). */
const BUILTIN_IMPORT = new RegExp(
  `(?:\\bfrom|\\bimport\\s*\\(?)\\s*"(?:node:)?(?:${builtinModules
    .filter((name) => name !== "module")
    .map((name) => name.replace(/[/]/g, "\\/"))
    .join("|")})"`,
);
/** Every file of a bundle, `index.mjs` first. */
const filesOf = (directory: string): string[] =>
  readdirSync(directory).sort((a, b) => Number(b === BUNDLE_FILE) - Number(a === BUNDLE_FILE) || a.localeCompare(b));
const read = (directory: string, file: string): string => readFileSync(join(directory, file), "utf8");
const allCode = (directory: string): string =>
  filesOf(directory)
    .map((file) => read(directory, file))
    .join("");
/** The files `from` imports statically, directly or not, itself included: what an import of it parses. */
function staticClosure(directory: string, from: string): Set<string> {
  const closure = new Set<string>();
  for (let pending = [from], file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (closure.has(file)) continue;
    closure.add(file);
    for (const match of read(directory, file).matchAll(STATIC_IMPORT)) pending.push(match[1]!);
  }
  return closure;
}

describe("function bundles", () => {
  it.each(bundles)("%s: minified ESM, index.mjs exporting the handler, nothing machine-specific", (_, bundle) => {
    const files = filesOf(bundle.directory);
    expect(files[0]).toBe(BUNDLE_FILE);
    expect(files.every((file) => file.endsWith(".mjs"))).toBe(true);
    const entry = read(bundle.directory, BUNDLE_FILE);
    expect(entry).toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{\s*handler\b/);
    const code = allCode(bundle.directory);
    expect(code).not.toContain(process.cwd());
    // Minified: long lines (template literals keep a few newlines of their own).
    expect(entry.length / entry.split("\n").length).toBeGreaterThan(1000);
    // The SDK is bundled (see docs/deploy.md), not taken from the Lambda runtime.
    expect(code).not.toMatch(/from\s*"@aws-sdk\//);
    expect(bundle.bytes).toBe(Buffer.byteLength(code));
    expect(bundle.bytesLoadedAtImport).toBe(
      [...staticClosure(bundle.directory, BUNDLE_FILE)].reduce(
        (sum, file) => sum + Buffer.byteLength(read(bundle.directory, file)),
        0,
      ),
    );
  });

  it.each(bundles)("%s: holds only chunks its code can load, and loads built-ins through require", (_, bundle) => {
    const files = filesOf(bundle.directory);
    const imported = new Set([BUNDLE_FILE]);
    for (const file of files) {
      const code = read(bundle.directory, file);
      for (const match of code.matchAll(ANY_IMPORT)) imported.add(match[1]!);
      // An ESM import of a built-in runs its lazy exports (undici behind node:http): builtins-through-require.ts.
      expect(code).not.toMatch(BUILTIN_IMPORT);
    }
    expect(files.filter((file) => !imported.has(file))).toEqual([]);
    expect([...imported].filter((file) => !files.includes(file))).toEqual([]);
  });

  it.each(bundles.filter(([name]) => name !== "validate-downlink"))(
    "%s: the credential providers Lambda does not use (STS, SSO) load only when called",
    (_, bundle) => {
      const atImport = [...staticClosure(bundle.directory, BUNDLE_FILE)].map((file) => read(bundle.directory, file));
      expect(atImport.join("")).not.toContain("AssumeRoleWithWebIdentity");
      expect(allCode(bundle.directory)).toContain("AssumeRoleWithWebIdentity");
      expect(bundle.bytesLoadedAtImport).toBeLessThan(bundle.bytes);
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
    const code = allCode(bundle.directory);
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

  it("runs on Node 22: index.mjs exports the handler and every chunk loads", () => {
    const bundle = bundles.find(([name]) => name === "ensure-thing")![1];
    const script = `
      const { handler } = await import("./${BUNDLE_FILE}");
      if (typeof handler !== "function") throw new Error("no handler");
      for (const file of process.argv.slice(1)) await import("./" + file);
      console.log("loaded");`;
    const output = execFileSync(
      resolve("node_modules/.bin/node"),
      ["--input-type=module", "-e", script, ...filesOf(bundle.directory)],
      {
        cwd: bundle.directory,
        env: { PATH: process.env["PATH"] ?? "", AWS_REGION: "eu-west-1" },
      },
    );
    expect(output.toString().trim()).toBe("loaded");
  });

  it("keeps error names without keepNames: the bundled handler fails with the name the source's does", async () => {
    const bundle = bundles.find(([name]) => name === "validate-downlink")![1];
    const script = `
      const { handler } = await import("./${BUNDLE_FILE}");
      try { await handler({}, {}); console.log("no error"); } catch (error) { console.log(error.name); }`;
    const bundled = execFileSync(resolve("node_modules/.bin/node"), ["--input-type=module", "-e", script], {
      cwd: bundle.directory,
      env: { PATH: process.env["PATH"] ?? "", AWS_REGION: "eu-west-1" },
    });
    const { createValidateDownlinkHandler } = await import("../../functions/validate-downlink/handler.ts");
    const source = await createValidateDownlinkHandler()({} as never, undefined as never).then(
      () => "no error",
      (error: Error) => error.name,
    );
    expect(source).not.toBe("no error");
    expect(source).not.toBe("Error");
    expect(bundled.toString().trim()).toBe(source);
  });

  it("is content-addressed: the same code gives the same directory and hash", () => {
    const [name, first] = bundles[0]!;
    const again = bundleFunction(name, FUNCTIONS[name].entry, other);
    expect(again.sha256).toBe(first.sha256);
    expect(again.directory.slice(other.length)).toBe(first.directory.slice(cache.length));
  });
});
