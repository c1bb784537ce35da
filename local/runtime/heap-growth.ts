/**
 * How far V8 lets the heap grow past what survived the last full garbage collection before it runs the
 * next one. By default it allows up to 4× under a high allocation rate, which large messages cause: each
 * 126 KB uplink leaves its state texts (history, journal lines, the inbox entry) as garbage in the old
 * generation once its execution ends. With ~100 MB live, 1,000 such uplinks peaked at 720 MB of RSS
 * (issue 9's target: under 400 MB). At 1.6× they stay near 300 MB, for a few more full collections,
 * most of whose marking runs off the main thread (figures: bench/execution-store.md).
 *
 * V8 reads the flag at every full collection, so setting it once the process runs is enough.
 */
import { setFlagsFromString } from "node:v8";

const HEAP_GROWING_PERCENT = 60;

export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
