/** The runtime's `node` flags: `npm start` passes the same ones the benchmarks and fault tests run it with. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasRuntimeNodeFlags, RUNTIME_NODE_FLAGS } from "../../../local/runtime/heap-growth.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");

describe("the runtime's node flags", () => {
  it("are the ones package.json's start script gives node, before the entry point", () => {
    const start = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } })
      .scripts.start;
    const words = start.split(/\s+/);
    expect(words[0]).toBe("node");
    expect(words.slice(1, -1)).toEqual([...RUNTIME_NODE_FLAGS]);
    expect(words.at(-1)).toBe("local/cli/main.ts");
  });

  it("are recognised in a process's execArgv, all of them or not at all", () => {
    expect(hasRuntimeNodeFlags([...RUNTIME_NODE_FLAGS, "--expose-gc"])).toBe(true);
    expect(hasRuntimeNodeFlags(["--expose-gc"])).toBe(false);
    expect(RUNTIME_NODE_FLAGS.length).toBeGreaterThan(0);
  });
});
