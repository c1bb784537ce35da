/**
 * Which files of a split esbuild build a Lambda can ever load. esbuild makes a chunk of every
 * `import()` target it sees, even when tree-shaking removed the `import()` itself (the SDK's browser
 * user-agent parser, 36 KiB, is one): such a chunk is dead weight in the zip. Walking the metafile's
 * imports from the entry finds the live ones; the static imports alone are what every cold start parses.
 */
import { basename } from "node:path";
import type { Metafile } from "esbuild";

export interface ReachableOutputs {
  /** `entry` and every file it imports statically, directly or not: parsed at import. */
  readonly loadedAtImport: ReadonlySet<string>;
  /** Those and every file an `import()` of them may load. */
  readonly reachable: ReadonlySet<string>;
}

export function reachableOutputs(metafile: Metafile, entry: string): ReachableOutputs {
  const importsOf = new Map<string, Metafile["outputs"][string]["imports"]>();
  for (const [path, output] of Object.entries(metafile.outputs)) importsOf.set(basename(path), output.imports);
  const walk = (kinds: ReadonlySet<string>): Set<string> => {
    const seen = new Set<string>();
    const pending = [entry];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      if (seen.has(name) || !importsOf.has(name)) continue;
      seen.add(name);
      for (const imported of importsOf.get(name)!) {
        if (!imported.external && kinds.has(imported.kind)) pending.push(basename(imported.path));
      }
    }
    return seen;
  };
  return {
    loadedAtImport: walk(new Set(["import-statement"])),
    reachable: walk(new Set(["import-statement", "dynamic-import"])),
  };
}
