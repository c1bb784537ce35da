/**
 * An esbuild plugin that lets tree-shaking drop the AWS SDK schemas a function never uses. The SDK's
 * generated `schemas/schemas_N.js` write traits with computed keys (`{ [_h]: [...] }`, where
 * `const _h = "http"`); esbuild must assume a computed key may run code (a `toString`), so it keeps
 * every schema of the client — for @aws-sdk/client-iot about 100 KiB a function using two commands
 * never reads. Replacing each `[_x]:` whose `_x` is a string constant of the same file with that string
 * literal makes the schemas pure. Hand-written: esbuild has no option for it, and the SDK ships no
 * other form.
 */
import { readFileSync } from "node:fs";
import type { Plugin } from "esbuild";

const SCHEMA_FILES = /[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/** The file with every computed key that names a string constant of the file written as that string. */
export function withLiteralKeys(source: string): string {
  const constants = new Map<string, string>();
  for (const match of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)) constants.set(match[1]!, match[2]!);
  return source.replace(/\[(_\w+)\]:/g, (computed, name: string) => {
    const literal = constants.get(name);
    return literal === undefined ? computed : `${literal}:`;
  });
}

export const literalSchemaKeys: Plugin = {
  name: "literal-schema-keys",
  setup(build) {
    build.onLoad({ filter: SCHEMA_FILES }, (args) => ({
      contents: withLiteralKeys(readFileSync(args.path, "utf8")),
      loader: "js",
    }));
  },
};
