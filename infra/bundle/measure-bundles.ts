/**
 * Measures every function's bundle with the AWS SDK bundled and externalized: size raw and zipped,
 * and the time Node 22 takes to import it (median of 7 cold processes; the externalized one resolves
 * the SDK from node_modules, as Lambda would from the runtime's copy). Figures and decision:
 * docs/deploy.md. Run: `npx node infra/bundle/measure-bundles.ts`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { deflateRawSync } from "node:zlib";
import { FUNCTIONS, type FunctionName } from "../../functions/catalogue.ts";
import { BUNDLE_FILE, buildBundle } from "./bundle-function.ts";

const RUNS = 7;
// Inside the project, so that the externalized bundle finds @aws-sdk/* in node_modules.
const scratch = resolve("node_modules/.cache/tts-aws-iot/measure");

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const zipped = (code: Uint8Array): string => kib(deflateRawSync(code, { level: 9 }).byteLength);

function medianImportMs(file: string): string {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});console.log(performance.now()-t)`;
  const times = Array.from({ length: RUNS }, () =>
    Number(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], {
        env: { ...process.env, AWS_REGION: "eu-west-1" },
      }).toString(),
    ),
  ).sort((a, b) => a - b);
  return `${(times[Math.floor(RUNS / 2)] ?? Number.NaN).toFixed(0)} ms`;
}

mkdirSync(scratch, { recursive: true });
try {
  console.log("| function | SDK bundled | zipped | import | SDK external | zipped | import |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
    const { entry } = FUNCTIONS[name];
    const row: string[] = [name];
    for (const externalAwsSdk of [false, true]) {
      const code = buildBundle(entry, { externalAwsSdk });
      const directory = join(scratch, `${name}-${externalAwsSdk ? "external" : "bundled"}`);
      mkdirSync(directory, { recursive: true });
      writeFileSync(join(directory, BUNDLE_FILE), code);
      row.push(kib(code.byteLength), zipped(code), medianImportMs(join(directory, BUNDLE_FILE)));
    }
    console.log(`| ${row.join(" | ")} |`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
