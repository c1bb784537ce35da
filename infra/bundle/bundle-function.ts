/**
 * One Lambda bundle per function, built by esbuild at synth time: ESM, minified, tree-shaken, for
 * Node 22 on Lambda. The AWS SDK is bundled, not taken from the runtime: that pins the exact SDK
 * version the tests ran against, and the bundle measured faster to import than the externalized SDK's
 * module tree, for ~0.1 MB more zip (figures in docs/deploy.md; `npx node infra/bundle/measure-bundles.ts`).
 *
 * One file, `index.mjs`: every module a cold start loads is one more for Node to resolve, read and
 * link. What the SDK would load with `import()` — the credential chain's providers other than the
 * environment's, event streams — never runs on Lambda; `lambda-stand-ins.ts` keeps it out of that
 * file (figures in docs/deploy.md).
 *
 * Bundles are content-addressed (`<cache>/<function>/<sha256>/`): the same code gives the same
 * directory and the same `sourceCodeHash` on every machine, and concurrent synths never write half a
 * bundle another one reads.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BuildOptions } from "esbuild";

export const BUNDLE_FILE = "index.mjs";
/** `index.mjs` exports `handler`. */
export const LAMBDA_HANDLER = "index.handler";

export interface FunctionBundle {
  /** Directory holding only the bundle's files, to be zipped as the Lambda's code. */
  readonly directory: string;
  /** Base64 SHA-256 of `index.mjs`: Terraform's `source_code_hash`, stable across rebuilds. */
  readonly sha256: string;
  /** What the zip holds, and what every cold start parses. */
  readonly bytes: number;
}

export interface BundleOptions {
  /** Leave `@aws-sdk/*` to the Lambda runtime's copy (only for measuring; see the module comment). */
  readonly externalAwsSdk?: boolean;
}

export const DEFAULT_BUNDLE_CACHE = resolve("node_modules/.cache/tts-aws-iot/bundles");

export function esbuildOptions(entry: string, options: BundleOptions = {}): BuildOptions {
  return {
    entryPoints: [{ in: resolve(entry), out: "index" }],
    bundle: true,
    format: "esm",
    outdir: "bundle",
    outExtension: { ".js": ".mjs" },
    platform: "node",
    target: "node22",
    // Prefer packages' ESM builds (the SDK's `dist-es`): CJS builds defeat tree-shaking.
    mainFields: ["module", "main"],
    minify: true,
    treeShaking: true,
    // No `keepNames`: error names feed Retry/Catch and logs, and every error class of ours, the SDK's
    // and zod's sets its `name` explicitly; keeping the others' cost ~4 % of the bundle and its import.
    legalComments: "none",
    // Bundled CommonJS dependencies may still call `require` for Node built-ins.
    banner: { js: 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);' },
    external: options.externalAwsSdk ? ["@aws-sdk/*", "@smithy/*"] : [],
    write: false,
    logLevel: "silent",
  };
}

/**
 * Builds the bundle's `index.mjs` in memory (no files written), in a child process that writes it to
 * stdout: the plugin that lets unused SDK schemas be dropped (`literal-schema-keys.ts`) needs
 * esbuild's asynchronous API, and this stays synchronous for the stack's constructors.
 */
export function buildBundle(entry: string, options: BundleOptions = {}): Uint8Array {
  const script = join(import.meta.dirname, "build-bundle-process.ts");
  const args = [script, entry, ...(options.externalAwsSdk ? ["--external-aws-sdk"] : [])];
  try {
    return execFileSync(process.execPath, args, { maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`building the bundle of ${entry} failed${stderr ? `: ${stderr}` : ""}`);
  }
}

const built = new Map<string, FunctionBundle>();

/**
 * Builds (once per process and entry) and stores the bundle where a `TerraformAsset` can zip it.
 * `build` is esbuild unless a test of the stack stands in for it.
 */
export function bundleFunction(
  name: string,
  entry: string,
  cacheDirectory = DEFAULT_BUNDLE_CACHE,
  build: (entry: string) => Uint8Array = buildBundle,
): FunctionBundle {
  const key = `${cacheDirectory}\0${entry}`;
  const cached = built.get(key);
  if (cached !== undefined) return cached;

  const code = build(entry);
  if (code.byteLength === 0) throw new Error(`the bundle of ${entry} is empty`);
  const digest = createHash("sha256").update(code).digest();
  const directory = join(cacheDirectory, name, digest.toString("hex").slice(0, 32));
  if (!existsSync(join(directory, BUNDLE_FILE))) writeAtomically(directory, code);
  const bundle = { directory, sha256: digest.toString("base64"), bytes: code.byteLength };
  built.set(key, bundle);
  return bundle;
}

function writeAtomically(directory: string, code: Uint8Array): void {
  const staging = `${directory}.${process.pid}.tmp`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, BUNDLE_FILE), code);
  try {
    renameSync(staging, directory);
  } catch (error) {
    // Another process got there first with the very same content.
    if (!existsSync(join(directory, BUNDLE_FILE))) throw error;
  }
}
