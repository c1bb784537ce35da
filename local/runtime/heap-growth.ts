/**
 * How the runtime's V8 heap is sized: a trade between full-GC pauses (latency) and RSS.
 *
 * Old generation: how far V8 lets it grow past what survived the last full collection before the
 * next one. V8 allows up to 4×, which large messages turn into RSS: each 126 KB uplink leaves its texts
 * as old garbage, and 1,000 of them peaked at 720 MB (issue 9's target: under 400 MB). Too tight a bound
 * (it was 1.6×) costs latency instead: at 200 uplinks/s a mark-compact ran every 2–3 s, each holding the
 * event loop 10–25 ms, and they made most of the uplinks slower than 25 ms. At 2.5× they run every
 * ~10 s and 1,000 large uplinks stay under 400 MB (figures: bench/results.md, bench/execution-store.md).
 * V8 reads the flag at every full collection, so setting it once the process runs is enough.
 *
 * Young generation: V8 sizes it at start-up only, so it is a flag of the `node` command that runs the
 * runtime (`npm start`, the latency and memory benchmarks, the fault tests' processes): RUNTIME_NODE_FLAGS.
 * A semi-space of 32 MB, twice V8's default here, halves the scavenges per uplink, and with them the
 * pauses at 200 uplinks/s; the cost is up to ~50 MB more RSS (the young generation is a few semi-spaces).
 */
import { setFlagsFromString } from "node:v8";

const HEAP_GROWING_PERCENT = 150;

/** `node` flags for a process that runs the local runtime (package.json's `start` has the same). */
export const RUNTIME_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=32"];

export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Whether this process was started with RUNTIME_NODE_FLAGS. */
export function hasRuntimeNodeFlags(execArgv: readonly string[] = process.execArgv): boolean {
  return RUNTIME_NODE_FLAGS.every((flag) => execArgv.includes(flag));
}
