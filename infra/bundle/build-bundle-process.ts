/**
 * `node infra/bundle/build-bundle-process.ts <entry> [--external-aws-sdk]`: builds one bundle and
 * writes it to stdout. esbuild runs plugins only in its asynchronous API, while the stack is built
 * synchronously (CDK constructs); `buildBundle` runs this in a child process to have both.
 */
import { build } from "esbuild";
import { esbuildOptions } from "./bundle-function.ts";
import { literalSchemaKeys } from "./literal-schema-keys.ts";

const [entry, ...flags] = process.argv.slice(2);
if (entry === undefined) {
  process.stderr.write("usage: build-bundle-process.ts <entry> [--external-aws-sdk]\n");
  process.exit(2);
}
const result = await build({
  ...esbuildOptions(entry, { externalAwsSdk: flags.includes("--external-aws-sdk") }),
  plugins: [literalSchemaKeys],
});
const output = result.outputFiles?.[0];
if (output === undefined) {
  process.stderr.write(`esbuild produced no output for ${entry}\n`);
  process.exit(1);
}
process.stdout.write(output.contents);
