/**
 * An esbuild plugin that loads Node's built-in modules with `require` instead of `import`. An ESM
 * import of a built-in builds its namespace from every export, which runs Node's lazy getters: each
 * cold start paid for `node:crypto`'s WebCrypto and, on `node:http`, for undici (its `WebSocket`…),
 * which no function uses — together ~20 ms of a ~120 ms budget. `require` returns the same module
 * object without reading its exports, and the bundle's interop reads only the ones the code names.
 * Hand-written: esbuild has no option for it.
 */
import { builtinModules } from "node:module";
import type { Plugin } from "esbuild";

const NAMESPACE = "node-builtin-through-require";
const BUILTINS = new Set(builtinModules);

const isBuiltin = (path: string): boolean => path.startsWith("node:") || BUILTINS.has(path);

export const builtinsThroughRequire: Plugin = {
  name: "builtins-through-require",
  setup(build) {
    build.onResolve({ filter: /^[a-z0-9_:/]+$/ }, (args) =>
      // The stand-in's own `require` stays external (a built-in of the runtime), or this would loop.
      (args.kind === "import-statement" || args.kind === "dynamic-import") && isBuiltin(args.path)
        ? { path: args.path.replace(/^node:/, ""), namespace: NAMESPACE }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: "js",
    }));
  },
};
