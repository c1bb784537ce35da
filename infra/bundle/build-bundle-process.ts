/**
 * `node infra/bundle/build-bundle-process.ts <entry> [--external-aws-sdk]`: builds one bundle and
 * writes it to stdout as JSON (`SerializedBundle`). esbuild runs plugins only in its asynchronous API,
 * while the stack is built synchronously (CDK constructs); `buildBundle` runs this in a child process
 * to have both.
 */
import { basename } from "node:path";
import { build } from "esbuild";
import { builtinsThroughRequire } from "./builtins-through-require.ts";
import { BUNDLE_FILE, esbuildOptions, type SerializedBundle } from "./bundle-function.ts";
import { lambdaStandIns } from "./lambda-stand-ins.ts";
import { literalSchemaKeys } from "./literal-schema-keys.ts";

const [entry, ...flags] = process.argv.slice(2);
if (entry === undefined) {
  process.stderr.write("usage: build-bundle-process.ts <entry> [--external-aws-sdk]\n");
  process.exit(2);
}
const result = await build({
  ...esbuildOptions(entry, { externalAwsSdk: flags.includes("--external-aws-sdk") }),
  plugins: [lambdaStandIns, literalSchemaKeys, builtinsThroughRequire],
});
const bundle: SerializedBundle = { files: {} };
for (const output of result.outputFiles ?? []) {
  bundle.files[basename(output.path)] = Buffer.from(output.contents).toString("base64");
}
if (bundle.files[BUNDLE_FILE] === undefined) {
  process.stderr.write(`esbuild produced no ${BUNDLE_FILE} for ${entry}\n`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(bundle));
