/**
 * `node infra/bundle/build-bundle-process.ts <entry> [--external-aws-sdk]`: builds one bundle and
 * writes its `index.mjs` to stdout. esbuild runs plugins only in its asynchronous API,
 * while the stack is built synchronously (CDK constructs); `buildBundle` runs this in a child process
 * to have both.
 */
import { build } from "esbuild";
import { builtinsThroughRequire } from "./builtins-through-require.ts";
import { BUNDLE_FILE, esbuildOptions } from "./bundle-function.ts";
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
const [output, ...others] = result.outputFiles ?? [];
if (output === undefined || others.length > 0 || !output.path.endsWith(`/${BUNDLE_FILE}`)) {
  process.stderr.write(
    `esbuild produced ${result.outputFiles?.length ?? 0} files for ${entry}, not one ${BUNDLE_FILE}\n`,
  );
  process.exit(1);
}
process.stdout.write(output.contents);
