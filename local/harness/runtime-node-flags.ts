/**
 * For benchmarks that run the local runtime in their own process: they measure it as `npm start` runs
 * it, with RUNTIME_NODE_FLAGS, whether started by `npm run bench` or alone (`node bench/run.ts`).
 */
import { spawnSync } from "node:child_process";
import { hasRuntimeNodeFlags, RUNTIME_NODE_FLAGS } from "../runtime/heap-growth.ts";

/** Runs `script` again with the runtime's `node` flags and exits with its status, unless this process has them. */
export function withRuntimeNodeFlags(script: string): void {
  if (hasRuntimeNodeFlags()) return;
  const flags = RUNTIME_NODE_FLAGS.filter((flag) => !process.execArgv.includes(flag));
  const run = spawnSync(process.execPath, [...flags, ...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(run.status ?? 1);
}
